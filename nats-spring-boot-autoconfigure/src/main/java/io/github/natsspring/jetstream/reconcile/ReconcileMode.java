package io.github.natsspring.jetstream.reconcile;

/**
 * What the reconciler may do to the server ({@code nats.jetstream.reconcile.mode}).
 */
public enum ReconcileMode {

	/** Create what is missing and change editable settings that differ; report the rest. */
	UPDATE,

	/** Create what is missing; report differences of existing resources without changing them. */
	CREATE_ONLY,

	/** Write nothing; report what is missing and what differs. */
	VALIDATE,

	/** Do nothing at all. */
	OFF;

	boolean mayCreate() {
		return this == UPDATE || this == CREATE_ONLY;
	}

	boolean mayUpdate() {
		return this == UPDATE;
	}

}
