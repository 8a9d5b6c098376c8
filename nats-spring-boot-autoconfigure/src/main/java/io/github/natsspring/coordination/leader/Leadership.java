package io.github.natsspring.coordination.leader;

import java.time.Instant;

/**
 * Who leads a role, as this instance last saw it.
 *
 * @param role the role
 * @param leader the leading instance's id, {@code null} when none is known
 * @param self whether this instance leads
 * @param fencingToken the fencing token of the current leadership (the revision that granted it, when this
 * instance leads; the revision last seen otherwise), 0 when none is known
 * @param since when this instance saw the leadership begin or last saw the leader's lease written
 * @param lastError why the last attempt to acquire or renew failed, {@code null} when it did not
 */
public record Leadership(String role, String leader, boolean self, long fencingToken, Instant since,
		String lastError) {

}
