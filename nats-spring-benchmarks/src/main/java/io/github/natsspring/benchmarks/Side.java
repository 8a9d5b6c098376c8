package io.github.natsspring.benchmarks;

/**
 * One side of a {@link Pair}: the starter's way or raw jnats doing the same work.
 */
public interface Side {

	/**
	 * What this side does, for the table (for example {@code @NatsListener(byte[])}).
	 * @return the label
	 */
	String label();

	/**
	 * Runs the side once.
	 * @param environment the server, the raw connections and the Spring application
	 * @param operations how many messages or requests
	 * @return the measurement (operations, elapsed time, latencies if recorded)
	 * @throws Exception if the run fails
	 */
	Result run(BenchmarkEnvironment environment, int operations) throws Exception;

	/**
	 * A side from a label and a function.
	 * @param label the label
	 * @param run what it does
	 * @return the side
	 */
	static Side of(String label, Run run) {
		return new Side() {

			@Override
			public String label() {
				return label;
			}

			@Override
			public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
				return run.run(environment, operations);
			}

		};
	}

	/** What a side does. */
	@FunctionalInterface
	interface Run {

		Result run(BenchmarkEnvironment environment, int operations) throws Exception;

	}

}
