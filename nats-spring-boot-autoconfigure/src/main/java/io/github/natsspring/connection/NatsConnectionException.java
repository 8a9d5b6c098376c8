package io.github.natsspring.connection;

import java.util.List;

import io.github.natsspring.core.NatsException;

/**
 * The connection to NATS could not be established when {@code nats.fail-fast} asked for it at startup.
 * Carries the servers tried (user-info masked) and why it failed, so the failure analyzer can say how to fix it.
 */
public class NatsConnectionException extends NatsException {

	private final List<String> servers;

	private final Reason reason;

	public NatsConnectionException(List<String> servers, Reason reason, String detail, Throwable cause) {
		super("Could not connect to NATS at " + servers + ": " + reason.description
				+ ((detail != null) ? " (" + detail + ")" : ""), cause);
		this.servers = List.copyOf(servers);
		this.reason = reason;
	}

	public List<String> getServers() {
		return this.servers;
	}

	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Why a connection attempt failed.
	 */
	public enum Reason {

		/** No server accepted a TCP connection in time. */
		UNREACHABLE("no server could be reached"),
		/** A server rejected the credentials. */
		AUTHORIZATION("authorization violation, the server rejected the credentials"),
		/** The TLS handshake failed. */
		TLS_HANDSHAKE("TLS handshake failed"),
		/** Anything else. */
		OTHER("the connection failed");

		private final String description;

		Reason(String description) {
			this.description = description;
		}

		public String getDescription() {
			return this.description;
		}

	}

}
