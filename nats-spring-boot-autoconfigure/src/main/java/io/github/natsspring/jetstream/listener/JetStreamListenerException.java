package io.github.natsspring.jetstream.listener;

import io.github.natsspring.core.NatsException;

/**
 * A {@code @JetStreamListener} cannot run as declared: its consumer could not be ensured or is unusable (push, ack
 * policy other than explicit, fewer deliveries than the listener's max-deliver), its stream is missing, or no stream
 * captures its dead-letter subject. Fails startup; the message names the listener and what to change.
 */
public class JetStreamListenerException extends NatsException {

	public JetStreamListenerException(String message) {
		super(message);
	}

	public JetStreamListenerException(String message, Throwable cause) {
		super(message, cause);
	}

}
