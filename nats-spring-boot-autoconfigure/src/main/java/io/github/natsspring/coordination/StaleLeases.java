package io.github.natsspring.coordination;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a contender observed of leases held by others, for {@link LeaseExpiry#REVISION_CHECK}: a lease whose revision
 * this instance has seen unchanged for longer than the lease's TTL was not renewed by its holder, who renews well
 * within the TTL, so its holder is gone. Time is measured on this instance's monotonic clock from the first
 * observation of a revision, so clocks of different machines never need to agree.
 */
final class StaleLeases {

	/** Observations kept before old ones are dropped. */
	private static final int PRUNE_ABOVE = 1024;

	private final Map<String, Seen> seen = new ConcurrentHashMap<>();

	/**
	 * Records an observation.
	 * @param key the key
	 * @param revision the revision seen now
	 * @param ttl the lease's TTL
	 * @return {@code true} if the same revision was seen for at least the TTL
	 */
	boolean isStale(String key, long revision, Duration ttl) {
		long now = System.nanoTime();
		Seen observed = this.seen.compute(key,
				(k, earlier) -> (earlier != null && earlier.revision() == revision) ? earlier : new Seen(revision, now));
		if (this.seen.size() > PRUNE_ABOVE) {
			prune(now);
		}
		return now - observed.since() >= ttl.toNanos();
	}

	void forget(String key) {
		this.seen.remove(key);
	}

	private void prune(long now) {
		// an observation nobody repeated for ten minutes is of no use: the next contender starts a new one
		long limit = Duration.ofMinutes(10).toNanos();
		this.seen.values().removeIf((observed) -> now - observed.since() > limit);
	}

	private record Seen(long revision, long since) {
	}

}
