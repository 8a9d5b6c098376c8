package io.github.natsspring.coordination.leader;

import org.springframework.context.ApplicationEvent;

/**
 * Leadership of a role changed on this instance. Published from a single thread, in the order it happened; a
 * slow listener delays the next event but never a renewal.
 */
public abstract class NatsLeaderEvent extends ApplicationEvent {

	private final String role;

	private final String instanceId;

	private final long fencingToken;

	NatsLeaderEvent(LeaderElection source, String role, String instanceId, long fencingToken) {
		super(source);
		this.role = role;
		this.instanceId = instanceId;
		this.fencingToken = fencingToken;
	}

	public String getRole() {
		return this.role;
	}

	/**
	 * This instance's holder id.
	 * @return the instance id
	 */
	public String getInstanceId() {
		return this.instanceId;
	}

	/**
	 * The fencing token of the leadership granted (or just revoked): larger for every later leadership of the role.
	 * @return the token
	 */
	public long getFencingToken() {
		return this.fencingToken;
	}

	@Override
	public LeaderElection getSource() {
		return (LeaderElection) super.getSource();
	}

}
