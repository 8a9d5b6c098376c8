package io.github.natsspring.benchmarks;

import io.nats.client.Connection;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What scenarios run against: one nats-server, a raw jnats connection, and a Spring application using the starter,
 * connected to the same server.
 *
 * @param serverUrl the server's URL
 * @param serverVersion the server's version
 * @param raw a plain jnats connection
 * @param context the application context of the starter side
 */
public record BenchmarkEnvironment(String serverUrl, String serverVersion, Connection raw,
		ConfigurableApplicationContext context) {

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

}
