package io.github.natsspring.jetstream.reconcile;

import java.util.List;

/**
 * What the reconciler would do to one resource if it ran now, in its configured mode.
 *
 * @param action {@code create}, {@code update} or {@code none}
 * @param properties the settings it would write: every declared one for a create, the differing editable ones for
 * an update; empty for none
 * @param note why it would do nothing, or what it would leave as is; {@code null} when there is nothing to say
 */
public record PlannedChange(String action, List<String> properties, String note) {

	public PlannedChange {
		properties = List.copyOf(properties);
	}

	static PlannedChange none(String note) {
		return new PlannedChange("none", List.of(), note);
	}

}
