package io.github.natsspring.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsConnectionState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ServiceConnection} on a NATS container. Needs a Docker engine: skipped cleanly where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringJUnitConfig
class NatsServiceConnectionTests {

	@Container
	@ServiceConnection
	static final GenericContainer<?> nats = new GenericContainer<>("nats:2.11").withExposedPorts(4222).withCommand("-js");

	@Autowired
	NatsConnectionManager connectionManager;

	@Test
	void connectsToTheContainer() {
		assertThat(this.connectionManager.getState()).isEqualTo(NatsConnectionState.CONNECTED);
		assertThat(this.connectionManager.getServers()).containsExactly("nats://" + nats.getHost() + ":" + nats.getMappedPort(4222));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class, JacksonAutoConfiguration.class })
	static class Config {

	}

}
