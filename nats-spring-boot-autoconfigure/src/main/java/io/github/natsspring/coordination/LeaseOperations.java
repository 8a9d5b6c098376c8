package io.github.natsspring.coordination;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;

import io.github.natsspring.coordination.CoordinationBucket.Opened;

/**
 * The writes and reads of leases on the coordination bucket. Every write is a compare-and-set on the key's latest
 * revision ({@code Nats-Expected-Last-Subject-Sequence}), so of two writers that saw the same revision exactly one
 * succeeds; with {@link LeaseExpiry#MESSAGE_TTL} every write also carries the lease's TTL ({@code Nats-TTL}).
 * <p>
 * A write whose answer got lost (a timeout, a reconnect) may have been stored all the same: the latest entry of the
 * key is then read back, and a value carrying this acquisition's id is recognised as its own.
 */
final class LeaseOperations {

	/** JetStream API error: wrong last sequence (someone else wrote the key since). */
	static final int WRONG_LAST_SEQUENCE = 10071;

	/** JetStream API error: no message found (the key has no entry). */
	static final int NO_MESSAGE_FOUND = 10037;

	/** JetStream API error: stream not found (the bucket went away). */
	static final int STREAM_NOT_FOUND = 10059;

	private static final String KV_OPERATION = "KV-Operation";

	private static final int MAX_MARKERS = 1024;

	private static final String MARKER_REASON = "Nats-Marker-Reason";

	private final CoordinationBucket bucket;

	private final StaleLeases stale = new StaleLeases();

	/**
	 * The revision of the marker this instance's last release of a key left (or last saw): the next acquisition
	 * writes over it at once, instead of finding out with a failed write and a read.
	 */
	private final Map<String, Long> markers = new ConcurrentHashMap<>();

	LeaseOperations(CoordinationBucket bucket) {
		this.bucket = bucket;
	}

	CoordinationBucket bucket() {
		return this.bucket;
	}

	/**
	 * One attempt to acquire a key: creates it when it has no live entry (never written, released, expired), and, with
	 * revision checks, takes over an entry seen unchanged for longer than its TTL.
	 * @param key the key
	 * @param value this acquisition
	 * @return the revision written, or who holds the key
	 */
	Attempt acquire(String key, LeaseValue value) {
		Opened opened = this.bucket.open();
		checkTtl(opened, value.ttl());
		Long marker = this.markers.remove(key);
		long expected = (marker != null) ? marker : 0;
		Entry last = null;
		// a few rounds: between reading the latest entry and writing, another contender may write
		for (int round = 0; round < 3; round++) {
			try {
				long revision = write(opened, key, value.toBytes(), expected, value.ttl());
				this.stale.forget(key);
				return Attempt.acquired(revision);
			}
			catch (JetStreamApiException ex) {
				if (ex.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
					throw failure(opened, "acquire", key, ex);
				}
			}
			catch (IOException ex) {
				Entry stored = readQuietly(opened, key);
				if (stored != null && stored.isOwnedBy(value)) {
					return Attempt.acquired(stored.revision());
				}
				throw failure(opened, "acquire", key, ex);
			}
			last = read(opened, key);
			if (last == null) {
				expected = 0;
			}
			else if (!last.isLive()) {
				// released, or removed by its TTL: the marker's revision is the one to write over
				expected = last.revision();
			}
			else if (last.isOwnedBy(value)) {
				return Attempt.acquired(last.revision());
			}
			else if (opened.expiry() == LeaseExpiry.REVISION_CHECK
					&& this.stale.isStale(key, last.revision(), ttlOf(last, value.ttl()))) {
				expected = last.revision();
			}
			else {
				return Attempt.busy(last.toHolder(key));
			}
		}
		return Attempt.busy((last != null) ? last.toHolder(key) : null);
	}

	/**
	 * Renews a lease: writes it again over its latest revision.
	 * @param lease the lease
	 * @param ttl the TTL from now on
	 * @return the new revision
	 * @throws LeaseLostException if someone else wrote the key since
	 */
	long renew(Lease lease, Duration ttl) {
		Opened opened = this.bucket.open();
		checkTtl(opened, ttl);
		LeaseValue value = new LeaseValue(lease.holder(), lease.id(), ttl);
		try {
			return write(opened, lease.key(), value.toBytes(), lease.revision(), ttl);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
				throw failure(opened, "renew", lease.key(), ex);
			}
			Entry last = read(opened, lease.key());
			if (last != null && last.isLive() && last.isOwnedBy(value)) {
				// an earlier renewal was stored although its answer got lost
				return last.revision();
			}
			throw new LeaseLostException(lease, "Lease " + lease.key() + " was lost: "
					+ ((last == null || !last.isLive()) ? "it expired" : "it expired and " + last.holder()
							+ " acquired it (revision " + last.revision() + ")"));
		}
		catch (IOException ex) {
			throw failure(opened, "renew", lease.key(), ex);
		}
	}

	/**
	 * Releases a lease: purges the key over its latest revision, so that the next acquisition can write it at once.
	 * @param lease the lease
	 * @return {@code true} if it was still held, {@code false} if it was lost before
	 */
	boolean release(Lease lease) {
		Opened opened = this.bucket.open();
		long expected = lease.revision();
		for (int round = 0; round < 2; round++) {
			try {
				rememberMarker(lease.key(), purge(opened, lease.key(), expected, lease.ttl()));
				return true;
			}
			catch (JetStreamApiException ex) {
				if (ex.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
					throw failure(opened, "release", lease.key(), ex);
				}
			}
			catch (IOException ex) {
				throw failure(opened, "release", lease.key(), ex);
			}
			Entry last = read(opened, lease.key());
			if (last == null || !last.isLive() || !last.isOwnedBy(new LeaseValue(lease.holder(), lease.id(), null))) {
				return false;
			}
			// a renewal was stored after the revision this release knew
			expected = last.revision();
		}
		return false;
	}

	/**
	 * Who holds a key now.
	 * @param key the key
	 * @return the holder, {@code null} when the key has no live entry
	 */
	LeaseHolder holder(String key) {
		Opened opened = this.bucket.open();
		Entry last = read(opened, key);
		return (last != null && last.isLive()) ? last.toHolder(key) : null;
	}

	private static void checkTtl(Opened opened, Duration ttl) {
		if (!opened.maxAge().isZero() && ttl.compareTo(opened.maxAge()) > 0) {
			throw new IllegalArgumentException("A lease TTL of " + ttl + " is longer than the coordination bucket's "
					+ "ttl (max-age) of " + opened.maxAge() + ", which would remove the lease while it is held. Use a "
					+ "shorter TTL, or raise nats.coordination.max-ttl.");
		}
	}

	private static Duration ttlOf(Entry entry, Duration fallback) {
		return (entry.value().ttl() != null) ? entry.value().ttl() : fallback;
	}

	private static long write(Opened opened, String key, byte[] data, long expectedRevision, Duration ttl)
			throws IOException, JetStreamApiException {
		PublishOptions.Builder options = PublishOptions.builder().expectedLastSubjectSequence(expectedRevision);
		if (opened.expiry() == LeaseExpiry.MESSAGE_TTL) {
			options.messageTtlSeconds(seconds(ttl));
		}
		PublishAck ack = opened.jetStream().publish(opened.subject(key), null, data, options.build());
		return ack.getSeqno();
	}

	private void rememberMarker(String key, long revision) {
		if (this.markers.size() >= MAX_MARKERS) {
			// a hint only: forgetting costs the next acquisition of a key one failed write and a read
			this.markers.clear();
		}
		this.markers.put(key, revision);
	}

	private static long purge(Opened opened, String key, long expectedRevision, Duration ttl)
			throws IOException, JetStreamApiException {
		Headers headers = new Headers().put(KV_OPERATION, "PURGE").put("Nats-Rollup", "sub");
		PublishOptions.Builder options = PublishOptions.builder().expectedLastSubjectSequence(expectedRevision);
		if (opened.expiry() == LeaseExpiry.MESSAGE_TTL) {
			// the marker goes too, so that keys used once (a lock per order) do not pile up
			options.messageTtlSeconds(seconds(ttl));
		}
		return opened.jetStream().publish(opened.subject(key), headers, null, options.build()).getSeqno();
	}

	/** The server counts message TTLs in whole seconds. */
	private static int seconds(Duration ttl) {
		return (int) Math.max(1, ttl.getSeconds());
	}

	private Entry read(Opened opened, String key) {
		try {
			return readEntry(opened, key);
		}
		catch (JetStreamApiException ex) {
			throw failure(opened, "read", key, ex);
		}
		catch (IOException ex) {
			throw failure(opened, "read", key, ex);
		}
	}

	private static Entry readQuietly(Opened opened, String key) {
		try {
			return readEntry(opened, key);
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			return null;
		}
	}

	private static Entry readEntry(Opened opened, String key) throws IOException, JetStreamApiException {
		MessageInfo message;
		try {
			message = opened.management().getLastMessage(opened.stream(), opened.subject(key));
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NO_MESSAGE_FOUND) {
				return null;
			}
			throw ex;
		}
		Headers headers = message.getHeaders();
		boolean live = headers == null
				|| (headers.getFirst(KV_OPERATION) == null && headers.getFirst(MARKER_REASON) == null);
		Instant time = (message.getTime() != null) ? message.getTime().toInstant() : null;
		return new Entry(message.getSeq(), live, live ? LeaseValue.parse(message.getData()) : null, time);
	}

	private CoordinationException failure(Opened opened, String operation, String key, Exception ex) {
		boolean gone = (ex instanceof JetStreamApiException api && api.getApiErrorCode() == STREAM_NOT_FOUND)
				|| (ex.getMessage() != null && ex.getMessage().contains("No Responders"));
		if (gone) {
			// the bucket went away (or JetStream is down): declare and open it again at the next use
			this.bucket.invalidate(opened);
		}
		String reason = (ex instanceof JetStreamApiException api)
				? api.getErrorDescription() + " (error " + api.getApiErrorCode() + ")" : String.valueOf(ex.getMessage());
		return new CoordinationException(
				"Could not " + operation + " lease " + key + " in bucket '" + opened.bucket() + "': " + reason, ex);
	}

	/**
	 * The latest entry of a key.
	 *
	 * @param revision its revision
	 * @param live whether it is a value (not a delete, purge or TTL marker)
	 * @param value the lease it holds, {@code null} for markers
	 * @param time when the server stored it
	 */
	record Entry(long revision, boolean live, LeaseValue value, Instant time) {

		boolean isLive() {
			return this.live;
		}

		String holder() {
			return (this.value != null) ? this.value.holder() : null;
		}

		boolean isOwnedBy(LeaseValue lease) {
			return this.value != null && lease.id() != null && lease.id().equals(this.value.id());
		}

		LeaseHolder toHolder(String key) {
			return new LeaseHolder(key, holder(), this.revision, (this.value != null) ? this.value.ttl() : null,
					this.time);
		}

	}

	/**
	 * The outcome of one attempt.
	 *
	 * @param revision the revision written, or -1 when busy
	 * @param holder who holds the key when busy ({@code null} when unknown)
	 */
	record Attempt(long revision, LeaseHolder holder) {

		static Attempt acquired(long revision) {
			return new Attempt(revision, null);
		}

		static Attempt busy(LeaseHolder holder) {
			return new Attempt(-1, holder);
		}

		boolean isAcquired() {
			return this.revision > 0;
		}

	}

}
