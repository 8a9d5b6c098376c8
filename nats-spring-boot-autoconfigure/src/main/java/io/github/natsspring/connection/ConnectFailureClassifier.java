package io.github.natsspring.connection;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;

import javax.net.ssl.SSLException;

import io.nats.client.AuthenticationException;

import io.github.natsspring.connection.NatsConnectionException.Reason;

/**
 * Tells from the exceptions and server errors seen during a connection attempt why it failed.
 */
final class ConnectFailureClassifier {

	private ConnectFailureClassifier() {
	}

	/**
	 * Classifies a failed attempt.
	 * @param failure what the connect call threw
	 * @param attemptFailure the last exception jnats reported while trying (a TLS or socket error), may be null
	 * @param serverError the last error the server sent (such as an authorization violation), may be null
	 * @return the reason
	 */
	static Reason classify(Throwable failure, Throwable attemptFailure, String serverError) {
		if (serverError != null && isAuthorizationText(serverError)) {
			return Reason.AUTHORIZATION;
		}
		if (failure instanceof AuthenticationException) {
			return Reason.AUTHORIZATION;
		}
		Reason reason = classifyChain(attemptFailure);
		return (reason != Reason.OTHER) ? reason : classifyChain(failure);
	}

	private static Reason classifyChain(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof AuthenticationException || isAuthorizationText(current.getMessage())) {
				return Reason.AUTHORIZATION;
			}
			if (current instanceof SSLException || current instanceof CertificateException) {
				return Reason.TLS_HANDSHAKE;
			}
			if (current instanceof ConnectException || current instanceof UnknownHostException
					|| current instanceof NoRouteToHostException || current instanceof SocketTimeoutException) {
				return Reason.UNREACHABLE;
			}
		}
		if (failure != null && failure.getMessage() != null
				&& failure.getMessage().startsWith("Unable to connect to NATS servers")) {
			return Reason.UNREACHABLE;
		}
		return Reason.OTHER;
	}

	private static boolean isAuthorizationText(String text) {
		if (text == null) {
			return false;
		}
		String lower = text.toLowerCase(Locale.ROOT);
		return lower.contains("authorization violation") || lower.contains("authentication")
				|| lower.contains("user authentication expired") || lower.contains("authentication revoked");
	}

}
