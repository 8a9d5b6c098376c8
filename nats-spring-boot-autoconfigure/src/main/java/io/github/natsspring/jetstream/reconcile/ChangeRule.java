package io.github.natsspring.jetstream.reconcile;

/**
 * Whether the server lets a setting of an existing resource change from its actual to the declared value.
 */
@FunctionalInterface
interface ChangeRule {

	/** The server changes the setting in place. */
	ChangeRule EDITABLE = (declared, actual, server) -> Verdict.EDITABLE;

	/**
	 * Checks a change.
	 * @param declared the normalised declared value
	 * @param actual the normalised actual value
	 * @param server the connected server
	 * @return the verdict
	 */
	Verdict check(Object declared, Object actual, ConnectedServer server);

	static ChangeRule immutable(String reason) {
		return (declared, actual, server) -> Verdict.immutable(reason);
	}

	/**
	 * A flag that may be switched on but never off again.
	 * @param reason why it cannot be switched off
	 * @return the rule
	 */
	static ChangeRule cannotSwitchOff(String reason) {
		return (declared, actual, server) -> Boolean.TRUE.equals(actual) ? Verdict.immutable(reason) : Verdict.EDITABLE;
	}

	/**
	 * A setting servers change in place only from a certain version.
	 * @param version the first version that changes it
	 * @return the rule
	 */
	static ChangeRule editableFrom(String version) {
		return (declared, actual, server) -> server.isAtLeast(version) ? Verdict.EDITABLE
				: Verdict.requires(version, "changing it needs nats-server " + version + " or newer (connected: "
						+ server.version() + ")");
	}

	/**
	 * The outcome of a check.
	 *
	 * @param type editable, immutable or requiring a newer server
	 * @param reason why it cannot change, {@code null} when editable
	 */
	record Verdict(Difference.Type type, String reason) {

		static final Verdict EDITABLE = new Verdict(Difference.Type.EDITABLE, null);

		static Verdict immutable(String reason) {
			return new Verdict(Difference.Type.IMMUTABLE, reason);
		}

		static Verdict requires(String version, String reason) {
			return new Verdict(Difference.Type.REQUIRES_NEWER_SERVER, reason);
		}

	}

}
