package io.github.natsspring.core;

/**
 * There is no NATS connection yet (the application started while NATS was unavailable) or it is closed.
 */
public class NatsNotConnectedException extends NatsException {

	public NatsNotConnectedException(String message) {
		super(message);
	}

}
