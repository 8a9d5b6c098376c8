package io.github.natsspring.listener;

import org.springframework.beans.BeansException;

/**
 * An annotated listener method cannot be served as declared. Fails startup; the message names the method and
 * what to change.
 */
public class InvalidListenerMethodException extends BeansException {

	public InvalidListenerMethodException(String message, Throwable cause) {
		super(message, cause);
	}

}
