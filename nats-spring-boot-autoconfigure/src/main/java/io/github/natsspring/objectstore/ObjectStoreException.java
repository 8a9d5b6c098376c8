package io.github.natsspring.objectstore;

import io.github.natsspring.core.NatsException;

/**
 * An object store operation failed.
 */
public class ObjectStoreException extends NatsException {

	public ObjectStoreException(String message, Throwable cause) {
		super(message, cause);
	}

}
