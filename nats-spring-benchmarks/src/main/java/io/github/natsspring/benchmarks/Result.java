package io.github.natsspring.benchmarks;

import java.time.Duration;
import java.util.Arrays;

/**
 * A measurement: operations over elapsed time and, when latencies were recorded, their percentiles.
 *
 * @param scenario the scenario name
 * @param variant the variant
 * @param operations operations completed
 * @param elapsed time taken
 * @param latenciesNanos per-operation latencies, or an empty array for throughput-only runs
 */
public record Result(String scenario, String variant, long operations, Duration elapsed, long[] latenciesNanos) {

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
