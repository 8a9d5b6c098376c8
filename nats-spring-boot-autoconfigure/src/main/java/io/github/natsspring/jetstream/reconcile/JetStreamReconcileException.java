package io.github.natsspring.jetstream.reconcile;

import io.github.natsspring.core.NatsException;

/**
 * The declared JetStream topology could not be made real: a declared setting conflicts with the server (and
 * {@code nats.jetstream.reconcile.fail-on-conflict} is set), the server refused a write, or JetStream could not be
 * reached. {@link #getReport()} says, per resource, what differs.
 */
public class JetStreamReconcileException extends NatsException {

	private final ReconcileReport report;

	private final boolean nothingWritten;

	public JetStreamReconcileException(String message, ReconcileReport report, boolean nothingWritten,
			Throwable cause) {
		super(message, cause);
		this.report = report;
		this.nothingWritten = nothingWritten;
	}

	/**
	 * The report of the attempt; for a conflict found while planning, it describes the plan.
	 * @return the report, or {@code null} if JetStream could not be reached at all
	 */
	public ReconcileReport getReport() {
		return this.report;
	}

	/**
	 * Whether the server is untouched: conflicts are found before anything is written.
	 * @return {@code true} if nothing was written
	 */
	public boolean isNothingWritten() {
		return this.nothingWritten;
	}

}
