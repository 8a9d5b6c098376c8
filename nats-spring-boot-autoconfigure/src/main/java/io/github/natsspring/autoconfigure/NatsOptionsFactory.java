package io.github.natsspring.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import io.nats.client.Options;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import io.github.natsspring.connection.CredentialsAuthHandler;
import io.github.natsspring.connection.NKeySeedAuthHandler;
import io.github.natsspring.connection.NatsConnectionDetails;
import io.github.natsspring.connection.Redaction;

/**
 * Builds jnats {@link Options} from the {@code nats.*} properties and the {@link NatsConnectionDetails}, checks
 * that they make sense together, then lets {@link NatsOptionsBuilderCustomizer}s adjust the builder. Reads no
 * file and opens no connection: credentials are read when the connection needs them.
 */
public class NatsOptionsFactory {

	private final NatsProperties properties;

	private final NatsConnectionDetails connectionDetails;

	private final SslBundles sslBundles;

	private final Environment environment;

	public NatsOptionsFactory(NatsProperties properties, NatsConnectionDetails connectionDetails,
			SslBundles sslBundles, Environment environment) {
		this.properties = properties;
		this.connectionDetails = connectionDetails;
		this.sslBundles = sslBundles;
		this.environment = environment;
	}

	/**
	 * Creates the options.
	 * @param customizers applied last, in order
	 * @return the options
	 */
	public Options create(List<NatsOptionsBuilderCustomizer> customizers) {
		Options.Builder builder = new Options.Builder();
		applyServers(builder);
		applyAuthentication(builder);
		applyTls(builder);
		applyBehaviour(builder);
		customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	private void applyServers(Options.Builder builder) {
		List<String> servers = this.connectionDetails.getServers();
		if (servers == null || servers.isEmpty()) {
			throw new InvalidNatsConfigurationException("nats.servers", "no server configured",
					"Set nats.servers to the URLs of your NATS servers, for example nats://localhost:4222.");
		}
		List<String> checked = new ArrayList<>();
		for (String server : servers) {
			String url = server.trim();
			if (!url.contains("://")) {
				url = "nats://" + url;
			}
			try {
				URI uri = new URI(url);
				if (uri.getHost() == null) {
					throw new URISyntaxException(url, "no host");
				}
			}
			catch (URISyntaxException ex) {
				throw new InvalidNatsConfigurationException("nats.servers",
						"'" + Redaction.redact(server) + "' is not a server URL",
						"Use URLs such as nats://host:4222, tls://host:4222 or ws://host:8080.");
			}
			checked.add(url);
		}
		builder.servers(checked.toArray(new String[0]));
		String name = this.properties.getConnectionName();
		if (!StringUtils.hasText(name) && this.environment != null) {
			name = this.environment.getProperty("spring.application.name");
		}
		if (StringUtils.hasText(name)) {
			builder.connectionName(name);
		}
	}

	private void applyAuthentication(Options.Builder builder) {
		String username = this.connectionDetails.getUsername();
		String password = this.connectionDetails.getPassword();
		String token = this.connectionDetails.getToken();
		List<String> methods = new ArrayList<>();
		if (StringUtils.hasText(username) || StringUtils.hasText(password)) {
			methods.add("nats.username/nats.password");
		}
		if (StringUtils.hasText(token)) {
			methods.add("nats.token");
		}
		if (this.properties.getNkey() != null) {
			methods.add("nats.nkey");
		}
		if (this.properties.getCredentials() != null) {
			methods.add("nats.credentials");
		}
		if (methods.size() > 1) {
			throw new InvalidNatsConfigurationException(methods.get(0),
					"more than one authentication method is set: " + methods,
					"Keep one of " + methods + "; a NATS user authenticates one way.");
		}
		if (StringUtils.hasText(username) != StringUtils.hasText(password)) {
			throw new InvalidNatsConfigurationException(
					StringUtils.hasText(username) ? "nats.password" : "nats.username",
					"username and password must be set together", "Set both nats.username and nats.password.");
		}
		if (StringUtils.hasText(username)) {
			builder.userInfo(username.toCharArray(), password.toCharArray());
		}
		if (StringUtils.hasText(token)) {
			builder.token(token.toCharArray());
		}
		if (this.properties.getNkey() != null) {
			requireExists(this.properties.getNkey(), "nats.nkey");
			builder.authHandler(new NKeySeedAuthHandler(this.properties.getNkey()));
		}
		if (this.properties.getCredentials() != null) {
			requireExists(this.properties.getCredentials(), "nats.credentials");
			builder.authHandler(new CredentialsAuthHandler(this.properties.getCredentials()));
		}
	}

	private static void requireExists(org.springframework.core.io.Resource resource, String property) {
		if (!resource.exists()) {
			throw new InvalidNatsConfigurationException(property, resource.getDescription() + " does not exist",
					"Point " + property + " at an existing file, for example file:/etc/nats/app."
							+ (property.endsWith("nkey") ? "nk" : "creds") + ".");
		}
	}

	private void applyTls(Options.Builder builder) {
		NatsProperties.Ssl ssl = this.properties.getSsl();
		SslBundle bundle = this.connectionDetails.getSslBundle();
		if (bundle == null && StringUtils.hasText(ssl.getBundle())) {
			if (this.sslBundles == null) {
				throw new InvalidNatsConfigurationException("nats.ssl.bundle", "no SSL bundles are configured",
						"Declare the bundle under spring.ssl.bundle.pem.<name> or spring.ssl.bundle.jks.<name>.");
			}
			try {
				bundle = this.sslBundles.getBundle(ssl.getBundle());
			}
			catch (RuntimeException ex) {
				throw new InvalidNatsConfigurationException("nats.ssl.bundle",
						"SSL bundle '" + ssl.getBundle() + "' cannot be used: " + ex.getMessage(),
						"Declare the bundle under spring.ssl.bundle.pem." + ssl.getBundle()
								+ " (or .jks) with the server's CA as truststore and, for mTLS, the client key.");
			}
		}
		if (bundle != null) {
			SSLContext context = bundle.createSslContext();
			builder.sslContext(context);
		}
		else if (ssl.isEnabled()) {
			try {
				builder.sslContext(SSLContext.getDefault());
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("No default TLS context in this JVM", ex);
			}
		}
		if (ssl.isHandshakeFirst()) {
			builder.tlsFirst();
		}
	}

	private void applyBehaviour(Options.Builder builder) {
		NatsProperties properties = this.properties;
		NatsProperties.Reconnect reconnect = properties.getReconnect();
		set(properties.getConnectionTimeout(), builder::connectionTimeout);
		set(properties.getPingInterval(), builder::pingInterval);
		builder.maxReconnects(reconnect.getMaxAttempts());
		set(reconnect.getWait(), builder::reconnectWait);
		set(reconnect.getJitter(), builder::reconnectJitter);
		set(reconnect.getJitterTls(), builder::reconnectJitterTls);
		if (reconnect.getBufferSize() != null) {
			builder.reconnectBufferSize(reconnect.getBufferSize().toBytes());
		}
		if (StringUtils.hasText(properties.getInboxPrefix())) {
			builder.inboxPrefix(properties.getInboxPrefix());
		}
		if (properties.isNoEcho()) {
			builder.noEcho();
		}
		// typed failures for requests: "no responders" and timeouts instead of a bare cancellation
		builder.reportNoResponders();
		builder.useTimeoutException();
	}

	private static <T> void set(T value, Consumer<T> setter) {
		if (value != null) {
			setter.accept(value);
		}
	}

}
