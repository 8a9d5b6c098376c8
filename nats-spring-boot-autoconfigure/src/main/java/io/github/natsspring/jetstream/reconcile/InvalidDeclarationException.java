package io.github.natsspring.jetstream.reconcile;

import io.github.natsspring.core.NatsException;

/**
 * A JetStream declaration is invalid. Thrown before anything is sent to the server; the message names the property
 * (or bean) and {@link #getAction()} says how to fix it.
 */
public class InvalidDeclarationException extends NatsException {

	private final String property;

	private final String problem;

	private final String action;

	public InvalidDeclarationException(String property, String problem, String action) {
		super("Invalid JetStream declaration '" + property + "': " + problem);
		this.property = property;
		this.problem = problem;
		this.action = action;
	}

	/**
	 * The property or declaration at fault.
	 * @return for example {@code nats.jetstream.streams[ORDERS].subjects}
	 */
	public String getProperty() {
		return this.property;
	}

	public String getProblem() {
		return this.problem;
	}

	public String getAction() {
		return this.action;
	}

}
