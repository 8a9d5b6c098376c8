package io.github.natsspring.jetstream.reconcile;

/**
 * One setting where the server differs from the declaration.
 *
 * @param property the setting as it is declared, for example {@code max-age}
 * @param declared the declared value
 * @param actual the server's value (before the change, for a setting the reconciler changed)
 * @param type what the difference means
 * @param reason what became of it: "changed" (with the reason the declaring code gave, if any), left as is and why,
 * or why it cannot change
 */
public record Difference(String property, String declared, String actual, Type type, String reason) {

	/**
	 * What a difference means.
	 */
	public enum Type {

		/** The server allows the change; it is applied in {@code update} mode. */
		EDITABLE,

		/** The server never changes this setting of an existing resource. */
		IMMUTABLE,

		/** The connected server is too old for the declared value. */
		REQUIRES_NEWER_SERVER,

		/** Another resource on the server already has it: a subject captured by another stream. */
		TAKEN,

		/** The value was written, but the server did not keep it. */
		NOT_KEPT;

		public boolean isConflict() {
			return this == IMMUTABLE || this == REQUIRES_NEWER_SERVER || this == TAKEN;
		}

	}

	Difference withReason(String reason) {
		return new Difference(this.property, this.declared, this.actual, this.type, reason);
	}

	@Override
	public String toString() {
		return this.property + ": declared " + this.declared + ", actual " + this.actual
				+ ((this.reason != null) ? " (" + this.reason + ")" : "");
	}

}
