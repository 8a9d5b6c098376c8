package io.github.natsspring.benchmarks;

/**
 * A measured path: the raw jnats side and the starter's side doing the same work on the same server in the same
 * run, and what the ratio between them should reach.
 *
 * @param name what is measured, for the table
 * @param raw the raw jnats side
 * @param starter the starter's side
 * @param goal what is compared (throughput or p50 latency) and the target ratio
 * @param scale operations per round relative to the run's {@code operations} setting
 */
public record Pair(String name, Side raw, Side starter, Goal goal, double scale) {

	/**
	 * A throughput pair measured with the run's number of operations.
	 */
	static Pair throughput(String name, Side raw, Side starter, double target) {
		return new Pair(name, raw, starter, Goal.throughput(target), 1.0);
	}

	Pair scaled(double scale) {
		return new Pair(this.name, this.raw, this.starter, this.goal, scale);
	}

	int operations(int base) {
		return (int) Math.max(50, Math.round(base * this.scale));
	}

	/**
	 * What the two sides are compared on and what the comparison should reach.
	 *
	 * @param kind what is compared
	 * @param target the ratio (or for startup the milliseconds) to reach, 0 for none
	 */
	public record Goal(Kind kind, double target) {

		/** What a pair compares. */
		enum Kind {

			/** Messages per second, starter / raw, at least the target. */
			THROUGHPUT,

			/** Median latency, starter / raw, at most the target. */
			P50,

			/** Milliseconds the starter's side takes longer, at most the target. */
			EXTRA_MILLIS

		}

		static Goal throughput(double target) {
			return new Goal(Kind.THROUGHPUT, target);
		}

		static Goal p50(double target) {
			return new Goal(Kind.P50, target);
		}

		static Goal extraMillis(double target) {
			return new Goal(Kind.EXTRA_MILLIS, target);
		}

		static Goal none() {
			return new Goal(Kind.THROUGHPUT, 0);
		}

		/** Compares median latencies, with no target: a diagnostic pair. */
		static Goal p50Only() {
			return new Goal(Kind.P50, 0);
		}

		boolean met(double value) {
			return switch (this.kind) {
				case THROUGHPUT -> value >= this.target;
				case P50, EXTRA_MILLIS -> value <= this.target;
			};
		}

		String describe() {
			if (this.target <= 0) {
				return "";
			}
			return switch (this.kind) {
				case THROUGHPUT -> String.format(java.util.Locale.ROOT, "≥ %.2f", this.target);
				case P50 -> String.format(java.util.Locale.ROOT, "p50 ≤ %.2f×", this.target);
				case EXTRA_MILLIS -> String.format(java.util.Locale.ROOT, "≤ +%.0f ms", this.target);
			};
		}

	}

}
