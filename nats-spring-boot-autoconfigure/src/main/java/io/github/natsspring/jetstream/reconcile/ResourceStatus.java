package io.github.natsspring.jetstream.reconcile;

/**
 * What reconciliation did with one resource, or found about it.
 */
public enum ResourceStatus {

	/** The resource was missing and has been created as declared. */
	CREATED,

	/** Editable settings differed and have been changed to the declared values. */
	UPDATED,

	/** The server has the resource as declared. */
	UNCHANGED,

	/** The resource is missing and was not created ({@code validate} mode). */
	MISSING,

	/** Editable settings differ and were not changed ({@code create-only} and {@code validate} modes). */
	DRIFT,

	/**
	 * A declared setting cannot be made real: it may not change on an existing resource, or the connected server is
	 * too old for it. The server keeps its value.
	 */
	CONFLICT,

	/** Written, but the server did not keep every declared setting (older servers drop fields they don't know). */
	WARNING,

	/** The server refused a write, or could not be asked. */
	FAILED,

	/** Not looked at ({@code off} mode). */
	SKIPPED;

	/**
	 * Whether this status makes the topology differ from the declarations in a way that needs attention.
	 * @return {@code true} for conflicts and failures
	 */
	public boolean isProblem() {
		return this == CONFLICT || this == FAILED;
	}

}
