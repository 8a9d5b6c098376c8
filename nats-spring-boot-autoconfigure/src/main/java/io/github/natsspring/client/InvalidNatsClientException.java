package io.github.natsspring.client;

import org.springframework.beans.BeansException;

/**
 * A NATS client interface cannot be served as declared. Fails startup; the message names each method and what to
 * change.
 */
public class InvalidNatsClientException extends BeansException {

	public InvalidNatsClientException(String message) {
		super(message);
	}

}
