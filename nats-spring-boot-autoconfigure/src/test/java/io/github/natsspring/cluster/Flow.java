package io.github.natsspring.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A stream of uniquely numbered messages through a failover: what was published and acknowledged when, what was
 * handled when and how often. The figures are what docs/operations.md reports.
 */
final class Flow {

	/** Message id to the time its publish was acknowledged (nanoTime). */
	final Map<String, Long> acked = new ConcurrentHashMap<>();

	/** Acknowledgement times in order, to find the longest gap. */
	final ConcurrentSkipListMap<Long, String> ackTimes = new ConcurrentSkipListMap<>();

	final AtomicInteger failedPublishes = new AtomicInteger();

	/** Message id to how many times it was handled. */
	final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

	/** Message id to the time it was first handled. */
	final Map<String, Long> firstHandled = new ConcurrentHashMap<>();

	private final AtomicBoolean publishing = new AtomicBoolean();

	private Thread publisher;

	private volatile long failureAt;

	void handle(String id) {
		this.handled.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
		this.firstHandled.putIfAbsent(id, System.nanoTime());
	}

	/**
	 * Publishes "prefix-0", "prefix-1", ... one at a time until stopped; a publish that throws counts as failed.
	 */
	void startPublishing(String prefix, Consumer<String> publish) {
		this.publishing.set(true);
		this.publisher = new Thread(() -> {
			for (int i = 0; this.publishing.get(); i++) {
				String id = prefix + "-" + i;
				try {
					publish.accept(id);
					long now = System.nanoTime();
					this.acked.put(id, now);
					this.ackTimes.put(now, id);
				}
				catch (RuntimeException ex) {
					this.failedPublishes.incrementAndGet();
				}
			}
		}, "flow-publisher");
		this.publisher.start();
	}

	void stopPublishing() throws InterruptedException {
		this.publishing.set(false);
		this.publisher.join(30_000);
	}

	/** Marks the moment of the failure (the kill). */
	void failureNow() {
		this.failureAt = System.nanoTime();
	}

	boolean allAckedHandled() {
		return this.handled.keySet().containsAll(this.acked.keySet());
	}

	long lost() {
		return this.acked.keySet().stream().filter((id) -> !this.handled.containsKey(id)).count();
	}

	long duplicates() {
		return this.handled.values().stream().mapToLong((count) -> count.get() - 1).sum();
	}

	/** From the failure until the first message acknowledged after it was handled, in ms. */
	long resumeMillis() {
		return this.acked.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() > this.failureAt && this.firstHandled.containsKey(entry.getKey()))
			.mapToLong((entry) -> this.firstHandled.get(entry.getKey()))
			.min()
			.stream()
			.map((first) -> (first - this.failureAt) / 1_000_000)
			.findFirst()
			.orElse(-1);
	}

	/** The longest time without an acknowledged publish around the failure, in ms. */
	long publishGapMillis() {
		Long before = this.ackTimes.floorKey(this.failureAt);
		Long after = this.ackTimes.ceilingKey(this.failureAt);
		if (before == null || after == null) {
			return -1;
		}
		long longest = after - before;
		Long previous = after;
		for (Long time : this.ackTimes.tailMap(after, false).keySet()) {
			longest = Math.max(longest, time - previous);
			previous = time;
		}
		return longest / 1_000_000;
	}

	/** The longest time between two messages handled for the first time, from the failure on, in ms. */
	long handlingGapMillis() {
		long[] times = this.firstHandled.values().stream().mapToLong(Long::longValue).sorted().toArray();
		long longest = 0;
		long previous = this.failureAt;
		for (long time : times) {
			if (time > this.failureAt) {
				longest = Math.max(longest, time - previous);
				previous = time;
			}
		}
		return longest / 1_000_000;
	}

	String figures(String scenario) {
		return "FAILOVER " + scenario + ": acked " + this.acked.size() + ", failed publishes "
				+ this.failedPublishes.get() + ", handled " + this.handled.size() + ", lost " + lost()
				+ ", duplicates " + duplicates() + ", longest publish gap " + publishGapMillis()
				+ "ms, longest handling gap " + handlingGapMillis() + "ms, first new message handled after "
				+ resumeMillis() + "ms";
	}

}
