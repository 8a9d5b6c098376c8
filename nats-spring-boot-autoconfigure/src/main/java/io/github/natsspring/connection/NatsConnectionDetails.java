package io.github.natsspring.connection;

import java.util.List;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Where to connect to NATS and with which basic credentials. The default implementation reads the
 * {@code nats.*} properties; other sources (Testcontainers, Docker Compose, a development server) can declare
 * their own bean of this type to take precedence.
 */
public interface NatsConnectionDetails extends ConnectionDetails {

	/**
	 * Server URLs, for example {@code nats://localhost:4222}.
	 * @return the server URLs, never empty
	 */
	List<String> getServers();

	/**
	 * Username for username/password authentication.
	 * @return the username or {@code null}
	 */
	default String getUsername() {
		return null;
	}

	/**
	 * Password for username/password authentication.
	 * @return the password or {@code null}
	 */
	default String getPassword() {
		return null;
	}

	/**
	 * Token for token authentication.
	 * @return the token or {@code null}
	 */
	default String getToken() {
		return null;
	}

	/**
	 * SSL bundle for TLS and mTLS.
	 * @return the bundle or {@code null} to use the {@code nats.ssl} properties
	 */
	default SslBundle getSslBundle() {
		return null;
	}

}
