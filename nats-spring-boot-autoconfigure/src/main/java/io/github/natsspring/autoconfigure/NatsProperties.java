package io.github.natsspring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

import io.github.natsspring.connection.Redaction;

/**
 * Configuration of the NATS connection, prefix {@code nats}.
 * <p>
 * Authentication takes one of: username and password, token, NKey seed, or JWT credentials; TLS and mTLS come
 * from a Spring Boot SSL bundle. {@link #toString()} never shows a secret.
 */
@ConfigurationProperties("nats")
public class NatsProperties {

	/**
	 * NATS server URLs to connect to, for example nats://localhost:4222 or tls://nats.example.com:4222.
	 */
	private List<String> servers = new ArrayList<>(List.of("nats://localhost:4222"));

	/**
	 * Name of the connection as the server shows it in monitoring. Defaults to spring.application.name.
	 */
	private String connectionName;

	/**
	 * Username for username/password authentication.
	 */
	private String username;

	/**
	 * Password for username/password authentication.
	 */
	private String password;

	/**
	 * Token for token authentication.
	 */
	private String token;

	/**
	 * NKey seed file (the user's private seed, starting with 'SU') for NKey authentication.
	 */
	private Resource nkey;

	/**
	 * JWT credentials file (.creds, holding the user JWT and NKey seed) for decentralized authentication.
	 */
	private Resource credentials;

	/**
	 * Timeout for establishing a connection to one server.
	 */
	private Duration connectionTimeout = Duration.ofSeconds(2);

	/**
	 * Interval between pings the client sends to detect a broken connection.
	 */
	private Duration pingInterval = Duration.ofMinutes(2);

	/**
	 * Default timeout for request-reply calls made through NatsTemplate.
	 */
	private Duration requestTimeout = Duration.ofSeconds(5);

	/**
	 * Prefix of the inbox subjects replies are received on.
	 */
	private String inboxPrefix = "_INBOX.";

	/**
	 * Whether the server should not send this connection's own publications back to its subscriptions.
	 */
	private boolean noEcho;

	/**
	 * Time allowed on shutdown for pending publishes to flush and in-flight messages to finish. Runs after the
	 * listeners' and services' shutdown timeouts: keep the sum under the platform's grace period.
	 */
	private Duration drainTimeout = Duration.ofSeconds(10);

	/**
	 * Whether startup fails when no server can be reached. By default the application starts and connects in
	 * the background.
	 */
	private boolean failFast;

	private final Reconnect reconnect = new Reconnect();

	private final Ssl ssl = new Ssl();

	private final Listener listener = new Listener();

	private final Observation observation = new Observation();

	private final Actuator actuator = new Actuator();

	public List<String> getServers() {
		return this.servers;
	}

	public void setServers(List<String> servers) {
		this.servers = servers;
	}

	public String getConnectionName() {
		return this.connectionName;
	}

	public void setConnectionName(String connectionName) {
		this.connectionName = connectionName;
	}

	public String getUsername() {
		return this.username;
	}

	public void setUsername(String username) {
		this.username = username;
	}

	public String getPassword() {
		return this.password;
	}

	public void setPassword(String password) {
		this.password = password;
	}

	public String getToken() {
		return this.token;
	}

	public void setToken(String token) {
		this.token = token;
	}

	public Resource getNkey() {
		return this.nkey;
	}

	public void setNkey(Resource nkey) {
		this.nkey = nkey;
	}

	public Resource getCredentials() {
		return this.credentials;
	}

	public void setCredentials(Resource credentials) {
		this.credentials = credentials;
	}

	public Duration getConnectionTimeout() {
		return this.connectionTimeout;
	}

	public void setConnectionTimeout(Duration connectionTimeout) {
		this.connectionTimeout = connectionTimeout;
	}

	public Duration getPingInterval() {
		return this.pingInterval;
	}

	public void setPingInterval(Duration pingInterval) {
		this.pingInterval = pingInterval;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public String getInboxPrefix() {
		return this.inboxPrefix;
	}

	public void setInboxPrefix(String inboxPrefix) {
		this.inboxPrefix = inboxPrefix;
	}

	public boolean isNoEcho() {
		return this.noEcho;
	}

	public void setNoEcho(boolean noEcho) {
		this.noEcho = noEcho;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Observation getObservation() {
		return this.observation;
	}

	public Actuator getActuator() {
		return this.actuator;
	}

	@Override
	public String toString() {
		return "NatsProperties{servers=" + Redaction.redactServers(this.servers) + ", connectionName=" + this.connectionName + ", username="
				+ this.username + ", password=" + mask(this.password) + ", token=" + mask(this.token) + ", nkey="
				+ ((this.nkey != null) ? "******" : null) + ", credentials="
				+ ((this.credentials != null) ? "******" : null) + "}";
	}

	private static String mask(String secret) {
		return (secret != null) ? "******" : null;
	}

	/**
	 * Reconnect behaviour after a connection was lost.
	 */
	public static class Reconnect {

		/**
		 * Maximum number of reconnect attempts; -1 means unlimited.
		 */
		private int maxAttempts = -1;

		/**
		 * Time to wait between attempts to reconnect to the same server.
		 */
		private Duration wait = Duration.ofSeconds(2);

		/**
		 * Random extra wait added to each reconnect wait, so clients don't reconnect all at once.
		 */
		private Duration jitter = Duration.ofMillis(100);

		/**
		 * Random extra wait for TLS connections.
		 */
		private Duration jitterTls = Duration.ofSeconds(1);

		/**
		 * Size of the buffer that keeps publishes made while reconnecting; 0 disables buffering.
		 */
		private DataSize bufferSize = DataSize.ofMegabytes(8);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getWait() {
			return this.wait;
		}

		public void setWait(Duration wait) {
			this.wait = wait;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

		public Duration getJitterTls() {
			return this.jitterTls;
		}

		public void setJitterTls(Duration jitterTls) {
			this.jitterTls = jitterTls;
		}

		public DataSize getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(DataSize bufferSize) {
			this.bufferSize = bufferSize;
		}

	}

	/**
	 * TLS configuration.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) holding the trust material and, for mTLS, the client key.
		 */
		private String bundle;

		/**
		 * Whether to use TLS even without a bundle, trusting the JVM's default trust store.
		 */
		private boolean enabled;

		/**
		 * Whether to start TLS before the server's INFO (server option handshake_first).
		 */
		private boolean handshakeFirst;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isHandshakeFirst() {
			return this.handshakeFirst;
		}

		public void setHandshakeFirst(boolean handshakeFirst) {
			this.handshakeFirst = handshakeFirst;
		}

	}

	/**
	 * Settings shared by annotated listeners.
	 */
	public static class Listener {

		/**
		 * Whether annotated listeners start automatically once the connection is up.
		 */
		private boolean autoStartup = true;

		/**
		 * Time allowed on shutdown for listeners to finish the messages they are handling.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(10);

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	/**
	 * Micrometer observations of sending ({@code nats.send}) and handling ({@code nats.process}) messages.
	 */
	public static class Observation {

		/**
		 * Whether sends and listener invocations are observed (trace context in the message headers). When not set,
		 * they are observed only when something besides metrics handles observations, such as a tracing bridge.
		 */
		private Boolean enabled;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * The {@code /actuator/nats} endpoint.
	 */
	public static class Actuator {

		/**
		 * How long what the endpoint read from the server (topology, consumer info) is reused, so that a polling loop
		 * does not flood the JetStream API. Zero reads on every request.
		 */
		private Duration cacheTimeToLive = Duration.ofSeconds(2);

		/**
		 * Whether POST /actuator/nats/topology may run the reconciler (in its configured mode).
		 */
		private boolean reconcileEnabled;

		public Duration getCacheTimeToLive() {
			return this.cacheTimeToLive;
		}

		public void setCacheTimeToLive(Duration cacheTimeToLive) {
			this.cacheTimeToLive = cacheTimeToLive;
		}

		public boolean isReconcileEnabled() {
			return this.reconcileEnabled;
		}

		public void setReconcileEnabled(boolean reconcileEnabled) {
			this.reconcileEnabled = reconcileEnabled;
		}

	}

}
