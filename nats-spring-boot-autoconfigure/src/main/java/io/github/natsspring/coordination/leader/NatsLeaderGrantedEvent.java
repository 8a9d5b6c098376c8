package io.github.natsspring.coordination.leader;

/**
 * This instance leads a role from now on.
 */
public class NatsLeaderGrantedEvent extends NatsLeaderEvent {

	public NatsLeaderGrantedEvent(LeaderElection source, String role, String instanceId, long fencingToken) {
		super(source, role, instanceId, fencingToken);
	}

	@Override
	public String toString() {
		return "NatsLeaderGrantedEvent[role " + getRole() + ", " + getInstanceId() + ", fencing token "
				+ getFencingToken() + "]";
	}

}
