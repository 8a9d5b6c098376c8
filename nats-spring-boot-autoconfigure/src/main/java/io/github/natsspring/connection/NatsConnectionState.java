package io.github.natsspring.connection;

/**
 * Where the managed connection stands.
 */
public enum NatsConnectionState {

	/** Not started yet. */
	NEW,
	/** Trying to establish the first connection. */
	CONNECTING,
	/** Connected to a server. */
	CONNECTED,
	/** Lost the connection and trying to get it back. */
	RECONNECTING,
	/** Draining on shutdown. */
	DRAINING,
	/** Closed: stopped, or reconnect attempts exhausted. */
	CLOSED;

	/**
	 * Whether messages can flow now.
	 * @return {@code true} when connected
	 */
	public boolean isConnected() {
		return this == CONNECTED;
	}

}
