package io.github.natsspring.testcontainers;

import java.util.List;

import org.testcontainers.containers.Container;

import org.springframework.boot.ssl.SslBundle;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

import io.github.natsspring.connection.NatsConnectionDetails;

/**
 * Lets a Testcontainers container running the {@code nats} image say where to connect: annotate the container
 * field with {@code @ServiceConnection} and the application connects to it, no {@code nats.servers} needed.
 *
 * <pre>{@code
 * @Container
 * @ServiceConnection
 * static GenericContainer<?> nats = new GenericContainer<>("nats:2.11").withExposedPorts(4222).withCommand("-js");
 * }</pre>
 */
class NatsContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, NatsConnectionDetails> {

	private static final int NATS_PORT = 4222;

	NatsContainerConnectionDetailsFactory() {
		super("nats");
	}

	@Override
	protected NatsConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
		return new NatsContainerConnectionDetails(source);
	}

	private static final class NatsContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements NatsConnectionDetails {

		private NatsContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public List<String> getServers() {
			Container<?> container = getContainer();
			return List.of("nats://" + container.getHost() + ":" + container.getMappedPort(NATS_PORT));
		}

		@Override
		public SslBundle getSslBundle() {
			return super.getSslBundle();
		}

	}

}
