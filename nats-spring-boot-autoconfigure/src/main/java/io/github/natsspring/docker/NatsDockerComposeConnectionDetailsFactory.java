package io.github.natsspring.docker;

import java.util.List;
import java.util.Map;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.ssl.SslBundle;

import io.github.natsspring.connection.NatsConnectionDetails;

/**
 * Lets Spring Boot's Docker Compose support connect to a service running the official {@code nats} image: the
 * client port (4222) as mapped on the host, and credentials from the service's environment, {@code NATS_USER} and
 * {@code NATS_PASSWORD} or {@code NATS_TOKEN}. (The image takes no credentials of its own from the environment:
 * pass the same values to the server, for example in a configuration file that refers to {@code $NATS_USER}.)
 * Another image is recognised with the label {@code org.springframework.boot.service-connection: nats}.
 */
class NatsDockerComposeConnectionDetailsFactory extends DockerComposeConnectionDetailsFactory<NatsConnectionDetails> {

	private static final int NATS_PORT = 4222;

	NatsDockerComposeConnectionDetailsFactory() {
		super("nats");
	}

	@Override
	protected NatsConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new NatsDockerComposeConnectionDetails(source.getRunningService());
	}

	/**
	 * Where the running service listens, and how to log in.
	 */
	static final class NatsDockerComposeConnectionDetails extends DockerComposeConnectionDetails
			implements NatsConnectionDetails {

		private final String server;

		private final String username;

		private final String password;

		private final String token;

		private final SslBundle sslBundle;

		NatsDockerComposeConnectionDetails(RunningService service) {
			super(service);
			Map<String, String> env = service.env();
			this.sslBundle = getSslBundle(service);
			this.server = ((this.sslBundle != null) ? "tls://" : "nats://") + service.host() + ":"
					+ service.ports().get(NATS_PORT);
			this.username = env.get("NATS_USER");
			this.password = env.get("NATS_PASSWORD");
			this.token = env.get("NATS_TOKEN");
		}

		@Override
		public List<String> getServers() {
			return List.of(this.server);
		}

		@Override
		public String getUsername() {
			return this.username;
		}

		@Override
		public String getPassword() {
			return this.password;
		}

		@Override
		public String getToken() {
			return this.token;
		}

		@Override
		public SslBundle getSslBundle() {
			return this.sslBundle;
		}

	}

}
