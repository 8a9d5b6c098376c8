package io.github.natsspring.jetstream.reconcile;

/**
 * How a declared resource compares with the server right now, as {@link JetStreamReconciler#inspect()} finds it
 * without writing anything.
 */
public enum ResourceState {

	/** The server has every declared setting. */
	IN_SYNC,

	/** Settings differ that the server allows to change. */
	DRIFTED,

	/** The resource does not exist on the server. */
	MISSING,

	/** A declared setting may not change on the existing resource, or its subjects belong to another stream. */
	CONFLICT,

	/** A declared setting needs a newer server than the one connected. */
	NEEDS_NEWER_SERVER,

	/** The server could not be asked, or refused to answer. */
	FAILED;

	/**
	 * The state as operators read it, for example {@code in-sync}.
	 * @return the lower-case, hyphenated name
	 */
	public String label() {
		return name().toLowerCase().replace('_', '-');
	}

}
