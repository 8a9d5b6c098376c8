package io.github.natsspring.jetstream.reconcile;

import org.springframework.context.ApplicationEvent;

/**
 * Published after each reconciliation of the JetStream topology: at startup, after a reconnect, and after
 * resources declared in code were ensured.
 */
public class JetStreamReconciledEvent extends ApplicationEvent {

	private final ReconcileReport report;

	public JetStreamReconciledEvent(Object source, ReconcileReport report) {
		super(source);
		this.report = report;
	}

	/**
	 * What this reconciliation did (only the resources it looked at).
	 * @return the report
	 */
	public ReconcileReport getReport() {
		return this.report;
	}

}
