package io.github.natsspring.autoconfigure;

import io.github.natsspring.core.NatsException;

/**
 * The {@code nats.*} configuration is contradictory or incomplete. Fails startup before anything connects; the
 * message names the property and the fix.
 */
public class InvalidNatsConfigurationException extends NatsException {

	private final String property;

	private final String action;

	public InvalidNatsConfigurationException(String property, String problem, String action) {
		super("Invalid NATS configuration '" + property + "': " + problem);
		this.property = property;
		this.action = action;
	}

	public String getProperty() {
		return this.property;
	}

	public String getAction() {
		return this.action;
	}

}
