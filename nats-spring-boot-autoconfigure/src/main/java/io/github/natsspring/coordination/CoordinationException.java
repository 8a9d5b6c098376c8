package io.github.natsspring.coordination;

import io.github.natsspring.core.NatsException;

/**
 * A lease, lock or leadership operation could not be carried out: the coordination bucket is missing or cannot be
 * created, or the server could not be reached or refused. Not thrown for contention: an acquisition that finds the
 * lease held returns empty.
 */
public class CoordinationException extends NatsException {

	public CoordinationException(String message) {
		super(message);
	}

	public CoordinationException(String message, Throwable cause) {
		super(message, cause);
	}

}
