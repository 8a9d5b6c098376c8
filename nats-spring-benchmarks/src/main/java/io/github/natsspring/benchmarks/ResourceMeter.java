package io.github.natsspring.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * The JVM's CPU time and the bytes its threads allocated, read before and after a run, so each side's cost per
 * message is known besides its speed. The nats-server is another process and not counted; the load generator runs
 * in this JVM for both sides alike, so the difference between the sides is the starter's cost.
 */
final class ResourceMeter {

	private static final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private final long cpuNanos;

	private final long allocatedBytes;

	private ResourceMeter(long cpuNanos, long allocatedBytes) {
		this.cpuNanos = cpuNanos;
		this.allocatedBytes = allocatedBytes;
	}

	static ResourceMeter now() {
		return new ResourceMeter(os.getProcessCpuTime(), allocatedByLiveThreads());
	}

	private static long allocatedByLiveThreads() {
		long total = 0;
		for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
			if (allocated > 0) {
				total += allocated;
			}
		}
		return total;
	}

	/**
	 * What was used since this reading, per operation.
	 * @param operations the operations done meanwhile
	 * @return CPU nanoseconds and allocated bytes per operation
	 */
	Usage since(long operations) {
		ResourceMeter end = now();
		long ops = Math.max(1, operations);
		return new Usage((double) (end.cpuNanos - this.cpuNanos) / ops,
				(double) Math.max(0, end.allocatedBytes - this.allocatedBytes) / ops);
	}

	/**
	 * Cost per operation.
	 *
	 * @param cpuNanos JVM CPU time (all threads)
	 * @param allocatedBytes bytes allocated (threads alive at the end; short-lived threads are missed)
	 */
	record Usage(double cpuNanos, double allocatedBytes) {
	}

}
