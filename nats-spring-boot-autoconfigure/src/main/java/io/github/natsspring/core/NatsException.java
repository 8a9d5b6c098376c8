package io.github.natsspring.core;

/**
 * Base class of the exceptions nats-spring-boot throws. Unchecked, like Spring's data access exceptions.
 */
public class NatsException extends RuntimeException {

	public NatsException(String message) {
		super(message);
	}

	public NatsException(String message, Throwable cause) {
		super(message, cause);
	}

}
