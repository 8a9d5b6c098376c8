package io.github.natsspring.connection;

import java.time.Instant;

import org.springframework.context.ApplicationEvent;

/**
 * Something happened to the NATS connection. Published as a Spring application event, in the order it happened,
 * from a single thread of the connection manager. Its text never holds a secret.
 */
public class NatsConnectionEvent extends ApplicationEvent {

	private final Type type;

	private final String serverUrl;

	private final String detail;

	private final Instant time;

	public NatsConnectionEvent(Object source, Type type, String serverUrl, String detail) {
		super(source);
		this.type = type;
		this.serverUrl = serverUrl;
		this.detail = detail;
		this.time = Instant.now();
	}

	public Type getType() {
		return this.type;
	}

	/**
	 * The server this event concerns, with any user-info masked.
	 * @return the server URL or {@code null}
	 */
	public String getServerUrl() {
		return this.serverUrl;
	}

	/**
	 * What the client or server said, for errors and slow consumers.
	 * @return the detail or {@code null}
	 */
	public String getDetail() {
		return this.detail;
	}

	public Instant getTime() {
		return this.time;
	}

	@Override
	public String toString() {
		return "NatsConnectionEvent[" + this.type + ((this.serverUrl != null) ? " " + this.serverUrl : "")
				+ ((this.detail != null) ? ": " + this.detail : "") + "]";
	}

	/**
	 * The kinds of connection events.
	 */
	public enum Type {

		/** Connected for the first time. */
		CONNECTED,
		/** The connection to the server was lost; the client is reconnecting. */
		DISCONNECTED,
		/** Connected again after a loss; subscriptions are restored. */
		RECONNECTED,
		/** The connection is closed for good (shutdown, or reconnect attempts exhausted). */
		CLOSED,
		/** The server is shutting down gracefully and asks clients to move to another server. */
		LAME_DUCK,
		/** A subscription could not keep up and the client dropped messages. */
		SLOW_CONSUMER,
		/** The server reported an error (for example a permissions violation). */
		SERVER_ERROR,
		/** The client hit an exception on the connection. */
		CLIENT_ERROR,
		/** An attempt to establish the first connection failed; the manager keeps trying. */
		CONNECT_FAILED

	}

}
