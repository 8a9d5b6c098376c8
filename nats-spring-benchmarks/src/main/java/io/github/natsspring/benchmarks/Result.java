package io.github.natsspring.benchmarks;

import java.time.Duration;
import java.util.Arrays;

/**
 * A measurement: operations over elapsed time and, when latencies were recorded, their percentiles; the JVM's CPU
 * time and allocation per operation are added by the runner.
 *
 * @param operations operations completed
 * @param elapsed time taken
 * @param latenciesNanos per-operation latencies, or an empty array for throughput-only runs
 * @param usage CPU and allocation per operation, {@code null} until measured
 */
public record Result(long operations, Duration elapsed, long[] latenciesNanos, ResourceMeter.Usage usage) {

	static Result throughput(long operations, long elapsedNanos) {
		return new Result(operations, Duration.ofNanos(elapsedNanos), new long[0], null);
	}

	static Result latencies(long operations, long elapsedNanos, long[] latencies) {
		return new Result(operations, Duration.ofNanos(elapsedNanos), latencies, null);
	}

	Result withUsage(ResourceMeter.Usage usage) {
		return new Result(this.operations, this.elapsed, this.latenciesNanos, usage);
	}

	public double perSecond() {
		return this.operations / (this.elapsed.toNanos() / 1e9);
	}

	/**
	 * A latency percentile in microseconds.
	 * @param percentile 0 to 100
	 * @return the latency, or NaN when none were recorded
	 */
	public double percentileMicros(double percentile) {
		if (this.latenciesNanos.length == 0) {
			return Double.NaN;
		}
		long[] sorted = this.latenciesNanos.clone();
		Arrays.sort(sorted);
		int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
		return sorted[Math.max(0, index)] / 1000.0;
	}

}
