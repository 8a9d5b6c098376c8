package io.github.natsspring.benchmarks;

import io.nats.client.Connection;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the pairs run against: one nats-server, two plain jnats connections and a Spring application using the
 * starter, connected to the same server.
 *
 * @param serverUrl the server's URL
 * @param serverVersion the server's version
 * @param load a plain jnats connection that drives the load both sides receive (publisher, requester) and
 * receives what both sides send
 * @param raw a plain jnats connection (default options) on which the raw side's subscribers and consumers run
 * @param context the application context of the starter side
 */
public record BenchmarkEnvironment(String serverUrl, String serverVersion, Connection load, Connection raw,
		ConfigurableApplicationContext context) {

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

}
