package io.github.natsspring.coordination.leader;

/**
 * This instance no longer leads a role: it yielded, the application stops, or its leadership lease was lost.
 */
public class NatsLeaderRevokedEvent extends NatsLeaderEvent {

	private final String reason;

	public NatsLeaderRevokedEvent(LeaderElection source, String role, String instanceId, long fencingToken,
			String reason) {
		super(source, role, instanceId, fencingToken);
		this.reason = reason;
	}

	/**
	 * Why leadership ended.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "NatsLeaderRevokedEvent[role " + getRole() + ", " + getInstanceId() + ", fencing token "
				+ getFencingToken() + ": " + this.reason + "]";
	}

}
