package io.github.natsspring.benchmarks;

/**
 * One measured path. Scenarios come in pairs: the starter's way and raw jnats doing the same work on the same server
 * in the same run, so the table shows what the abstraction costs.
 */
public interface Scenario {

	/**
	 * What is measured, the same for both variants of a pair (for example "core pub/sub, 128 B").
	 * @return the scenario name
	 */
	String name();

	/**
	 * Which side this is: {@code raw jnats} or {@code nats-spring-boot}.
	 * @return the variant
	 */
	String variant();

	/**
	 * Runs the scenario once.
	 * @param environment the server, a raw connection and the Spring context
	 * @param operations how many messages or requests
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Result run(BenchmarkEnvironment environment, int operations) throws Exception;

}
