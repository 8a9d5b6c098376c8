package io.github.natsspring.kv.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StreamInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.listener.ListenerMetrics;
import io.github.natsspring.listener.ServiceError;

/**
 * The delivery half of a KV watcher: hands the entries of the current watch to the handler one at a time, in
 * revision order, never one at or below the last revision handled, and keeps what the next watch starts from (the
 * last revision, whether the initial values are done, which bucket it was).
 * <p>
 * Each watch has a generation; entries and signals of any other generation are dropped, so a replaced watch cannot
 * deliver. {@link #retire()} moves on to a new generation at once, without waiting for an entry being handled.
 * Everything else happens under one lock, which is also held while the handler runs: the handler sees one entry at
 * a time, and {@link #plan} reads a final last revision. No I/O is done under the lock, apart from what the handler
 * does.
 */
final class KvWatchDelivery {

	private static final Log logger = LogFactory.getLog(KvWatchDelivery.class);

	private final String id;

	private final String name;

	private final KvWatchSpec spec;

	private final KvEntryHandler handler;

	private final ListenerMetrics metrics;

	private final ReadyListener readyListener;

	private final ReentrantLock lock = new ReentrantLock();

	private final AtomicInteger generation = new AtomicInteger();

	private final AtomicLong delivered = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong duplicates = new AtomicLong();

	// written under the lock; volatile for health and for the check in watchCreated

	private volatile long lastRevision;

	private volatile boolean initialDone;

	private volatile boolean readyFired;

	private volatile Instant lastChangeTime;

	// guarded by the lock

	private long initialCount;

	private Instant bucketCreated;

	KvWatchDelivery(String id, String name, KvWatchSpec spec, KvEntryHandler handler, ListenerMetrics metrics,
			ReadyListener readyListener) {
		this.id = id;
		this.name = name;
		this.spec = spec;
		this.handler = handler;
		this.metrics = metrics;
		this.readyListener = readyListener;
	}

	/**
	 * Forgets everything, for a watcher that (re)starts: it begins again with the initial values.
	 */
	void reset() {
		retire();
		this.lock.lock();
		try {
			this.lastRevision = 0;
			this.initialDone = false;
			this.initialCount = 0;
			this.readyFired = false;
			this.bucketCreated = null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Stops delivery from the current watch, at once: an entry being handled finishes, later ones are dropped.
	 * @return the generation for the next watch
	 */
	int retire() {
		return this.generation.incrementAndGet();
	}

	/**
	 * Works out where the watch of a generation starts, from the bucket's stream as just read. A bucket that is not
	 * the one seen before — created at another time, or with fewer revisions than already handled (a server that
	 * lost the end of its store) — counts as a new bucket: the bookkeeping starts over and its current values (with
	 * {@code updatesOnly}: all its revisions) are delivered again.
	 * @param watchGeneration the generation from {@link #retire()}
	 * @param stream the bucket's stream
	 * @return where to start
	 */
	Start plan(int watchGeneration, StreamInfo stream) {
		Instant created = stream.getCreateTime().toInstant();
		long lastSequence = stream.getStreamState().getLastSequence();
		this.lock.lock();
		try {
			String recreated = null;
			if (this.bucketCreated != null
					&& (!created.equals(this.bucketCreated) || lastSequence < this.lastRevision)) {
				recreated = "created " + created + (created.equals(this.bucketCreated) ? "" : " (before: "
						+ this.bucketCreated + ")") + ", last revision " + lastSequence + ", the watcher had seen "
						+ this.lastRevision;
				this.lastRevision = 0;
				this.initialCount = 0;
				if (!this.spec.updatesOnly()) {
					this.initialDone = false;
				}
				this.handler.onBucketRecreated();
			}
			this.bucketCreated = created;
			if (this.spec.updatesOnly() && !this.initialDone) {
				// pin the start: everything after this revision is an update, also across a reconnect
				this.lastRevision = Math.max(this.lastRevision, lastSequence);
				this.initialDone = true;
			}
			boolean loading = !this.initialDone;
			return new Start(loading ? 0 : this.lastRevision + 1, loading, this.lastRevision, recreated);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The watcher to give the watch of a generation.
	 * @param watchGeneration the generation
	 * @return the watcher
	 */
	KeyValueWatcher watcher(int watchGeneration) {
		return new KeyValueWatcher() {

			@Override
			public void watch(KeyValueEntry entry) {
				onEntry(watchGeneration, entry);
			}

			@Override
			public void endOfData() {
				onEndOfData(watchGeneration);
			}

		};
	}

	/**
	 * The watch of a generation is created. Without initial values to wait for ({@code updatesOnly}) the watcher
	 * is ready now.
	 * @param watchGeneration the generation
	 */
	void watchCreated(int watchGeneration) {
		if (!this.initialDone || this.readyFired) {
			// the usual case, decided without waiting for an entry being handled: the initial values are still to
			// come (the end of them makes the watcher ready), or the watcher was ready before
			return;
		}
		Ready ready;
		this.lock.lock();
		try {
			if (watchGeneration != this.generation.get() || !this.initialDone || this.readyFired) {
				return;
			}
			this.handler.onInitialValuesDone();
			ready = markReady();
		}
		finally {
			this.lock.unlock();
		}
		this.readyListener.ready(ready.revision(), ready.count());
	}

	private void onEntry(int watchGeneration, KeyValueEntry entry) {
		this.lock.lock();
		try {
			if (watchGeneration != this.generation.get()) {
				return;
			}
			long revision = entry.getRevision();
			if (revision <= this.lastRevision) {
				this.duplicates.incrementAndGet();
				return;
			}
			this.lastRevision = revision;
			this.lastChangeTime = Instant.now();
			if (this.spec.ignoreDeletes() && entry.getOperation() != KeyValueOperation.PUT) {
				return;
			}
			boolean initial = !this.initialDone;
			if (initial) {
				this.initialCount++;
			}
			handle(entry, initial);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void handle(KeyValueEntry entry, boolean initial) {
		long start = System.nanoTime();
		try {
			this.handler.onEntry(entry, initial);
			this.delivered.incrementAndGet();
			this.metrics.record(this.id, "kv", "success", System.nanoTime() - start);
		}
		catch (Throwable ex) {
			if (ex instanceof VirtualMachineError fatal) {
				throw fatal;
			}
			this.failed.incrementAndGet();
			this.metrics.record(this.id, "kv", "failure", System.nanoTime() - start);
			String what = this.name + " failed on key '" + entry.getKey() + "' revision " + entry.getRevision() + " ("
					+ entry.getOperation() + "); the watch goes on";
			Throwable cause = ServiceError.unwrap(ex);
			if (ServiceError.isPermanent(cause)) {
				// the value cannot be read or is invalid: the stack trace would not help
				logger.warn(what + ": " + firstLine(cause.getMessage()));
			}
			else {
				logger.error(what, cause);
			}
		}
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "the value could not be read";
		}
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

	private void onEndOfData(int watchGeneration) {
		Ready ready;
		this.lock.lock();
		try {
			if (watchGeneration != this.generation.get() || this.initialDone) {
				return;
			}
			this.initialDone = true;
			this.handler.onInitialValuesDone();
			if (this.readyFired) {
				// the values of a recreated bucket: the watcher was ready before
				logger.info(this.name + " delivered the " + this.initialCount + " current value(s) of bucket '"
						+ this.spec.bucket() + "' again");
				return;
			}
			ready = markReady();
		}
		finally {
			this.lock.unlock();
		}
		this.readyListener.ready(ready.revision(), ready.count());
	}

	private Ready markReady() {
		this.readyFired = true;
		if (logger.isDebugEnabled()) {
			logger.debug(this.name + " delivered " + this.initialCount + " initial value(s) up to revision "
					+ this.lastRevision);
		}
		return new Ready(this.lastRevision, this.initialCount);
	}

	/**
	 * Waits until no entry is being handled.
	 * @param timeout how long to wait
	 * @return whether none is
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitIdle(Duration timeout) throws InterruptedException {
		if (this.lock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			this.lock.unlock();
			return true;
		}
		return false;
	}

	long getLastRevision() {
		return this.lastRevision;
	}

	/**
	 * Whether the handler is at work on an entry right now (a slow handler is busy, not stalled).
	 * @return whether an entry is being handled
	 */
	boolean isHandling() {
		return this.lock.isLocked();
	}

	boolean isInitialDone() {
		return this.initialDone;
	}

	Instant getLastChangeTime() {
		return this.lastChangeTime;
	}

	long getDelivered() {
		return this.delivered.get();
	}

	long getFailed() {
		return this.failed.get();
	}

	long getDuplicates() {
		return this.duplicates.get();
	}

	/**
	 * Where a watch starts.
	 *
	 * @param fromRevision the first revision to deliver, 0 for the current values
	 * @param loading whether the initial values are (still) to be delivered
	 * @param lastRevision the last revision handled; a reload skips everything up to it
	 * @param recreated what tells that the bucket is a new one, {@code null} if it is not
	 */
	record Start(long fromRevision, boolean loading, long lastRevision, String recreated) {
	}

	private record Ready(long revision, long count) {
	}

	/**
	 * Told once per start of the watcher, when the initial values are delivered, outside the lock.
	 */
	@FunctionalInterface
	interface ReadyListener {

		void ready(long revision, long count);

	}

}
