package io.github.natsspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.natsspring.connection.NatsConnectionException;

/**
 * Explains a failed fail-fast connection: which servers, why, and what to change.
 */
class NatsConnectionFailureAnalyzer extends AbstractFailureAnalyzer<NatsConnectionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NatsConnectionException cause) {
		String description = cause.getMessage();
		String action = switch (cause.getReason()) {
			case UNREACHABLE -> "Start a NATS server at " + cause.getServers() + " or point nats.servers at a "
					+ "running one. To start the application without NATS and connect later, remove nats.fail-fast.";
			case AUTHORIZATION -> "Check the credentials (nats.username/nats.password, nats.token, nats.nkey or "
					+ "nats.credentials) against the server's authorization or account configuration.";
			case TLS_HANDSHAKE -> "Check that the server offers TLS on " + cause.getServers() + " and that the SSL "
					+ "bundle named by nats.ssl.bundle trusts its certificate (and, for mTLS, holds a client key the "
					+ "server accepts).";
			case OTHER -> "Check nats.servers and the server log; the cause is shown above.";
		};
		return new FailureAnalysis(description, action, cause);
	}

}
