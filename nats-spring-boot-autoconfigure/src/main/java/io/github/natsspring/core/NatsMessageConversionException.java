package io.github.natsspring.core;

import org.springframework.messaging.converter.MessageConversionException;

/**
 * A payload could not be written or read. Retrying cannot fix it: listeners reply with an error (requests) or
 * dead-letter the message (JetStream) instead of retrying.
 */
public class NatsMessageConversionException extends MessageConversionException {

	public NatsMessageConversionException(String description, Throwable cause) {
		super(description, cause);
	}

	public NatsMessageConversionException(String description) {
		super(description);
	}

}
