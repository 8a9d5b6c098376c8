package io.github.natsspring.kv;

import io.github.natsspring.core.NatsException;

/**
 * A key-value operation failed.
 */
public class KeyValueException extends NatsException {

	public KeyValueException(String message, Throwable cause) {
		super(message, cause);
	}

}
