package io.github.natsspring.docker;

import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.connection.NatsConnectionDetails;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsConnectionState;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker Compose connection details, without Docker: a running service described as Docker Compose would report
 * it (the {@code nats} image, its port mapped to a real local server that requires a password, credentials in its
 * environment), found through the starter's {@code spring.factories} as Spring Boot finds it.
 */
class NatsDockerComposeConnectionDetailsFactoryTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension
		.withConfig((server) -> server.config("authorization { user: app, password: compose-secret }"));

	@Test
	void theNatsImageConnectsWithTheCredentialsOfItsEnvironment() throws Exception {
		RunningService service = new DescribedService(ImageReference.of("nats:2.11"), Map.of(),
				Map.of("NATS_USER", "app", "NATS_PASSWORD", "compose-secret"));
		NatsConnectionDetails details = find(service);
		assertThat(details).isNotNull();
		assertThat(details.getServers()).containsExactly(nats.url());
		assertThat(details.getUsername()).isEqualTo("app");
		assertThat(details.getPassword()).isEqualTo("compose-secret");
		assertThat(details.getToken()).isNull();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withBean(NatsConnectionDetails.class, () -> details)
			.run((context) -> assertThat(context.getBean(NatsConnectionManager.class).getState())
				.isEqualTo(NatsConnectionState.CONNECTED));
	}

	@Test
	void anotherImageIsLeftAloneUnlessLabelled() throws Exception {
		assertThat(find(new DescribedService(ImageReference.of("redis:7"), Map.of(), Map.of()))).isNull();
		NatsConnectionDetails labelled = find(new DescribedService(ImageReference.of("example/nats-with-tools:1"),
				Map.of("org.springframework.boot.service-connection", "nats"), Map.of("NATS_TOKEN", "t0ken")));
		assertThat(labelled).isNotNull();
		assertThat(labelled.getToken()).isEqualTo("t0ken");
		assertThat(labelled.getUsername()).isNull();
	}

	private static NatsConnectionDetails find(RunningService service) throws Exception {
		// the source's constructor is Spring Boot's own; it makes one per running service
		Constructor<DockerComposeConnectionSource> constructor = DockerComposeConnectionSource.class
			.getDeclaredConstructor(RunningService.class, org.springframework.core.env.Environment.class);
		constructor.setAccessible(true);
		DockerComposeConnectionSource source = constructor.newInstance(service, new MockEnvironment());
		Map<Class<?>, ConnectionDetails> found = new ConnectionDetailsFactories(
				NatsDockerComposeConnectionDetailsFactoryTests.class.getClassLoader())
			.getConnectionDetails(source, false);
		return (NatsConnectionDetails) found.get(NatsConnectionDetails.class);
	}

	/**
	 * A service as {@code docker compose ps} and {@code inspect} describe it: here its port 4222 is the local server.
	 */
	private record DescribedService(ImageReference image, Map<String, String> labels, Map<String, String> env)
			implements RunningService {

		@Override
		public String name() {
			return "nats";
		}

		@Override
		public String host() {
			return "127.0.0.1";
		}

		@Override
		public ConnectionPorts ports() {
			int port = nats.server().port();
			return new ConnectionPorts() {

				@Override
				public int get(int containerPort) {
					if (containerPort != 4222) {
						throw new IllegalStateException("No host port for container port " + containerPort);
					}
					return port;
				}

				@Override
				public List<Integer> getAll() {
					return List.of(port);
				}

				@Override
				public List<Integer> getAll(String protocol) {
					return List.of(port);
				}

			};
		}

	}

}
