package io.github.natsspring.coordination.leader;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

/**
 * Leadership events for applications with Spring Integration: after our own events, its {@link OnGrantedEvent} and
 * {@link OnRevokedEvent}, so that code written for its leader initiators (and its {@code SmartLifecycleRoleController},
 * which starts and stops endpoints of a {@code @Role}) works unchanged. Their {@link Context} answers
 * {@code isLeader()} live and yields through the election.
 */
public class IntegrationLeadershipEvents extends LeadershipEvents {

	public IntegrationLeadershipEvents(ApplicationEventPublisher publisher) {
		super(publisher);
	}

	@Override
	void granted(LeaderElection election, String role, String instanceId, long fencingToken) {
		super.granted(election, role, instanceId, fencingToken);
		getPublisher().publishEvent(new OnGrantedEvent(election, context(election, role), role));
	}

	@Override
	void revoked(LeaderElection election, String role, String instanceId, long fencingToken, String reason) {
		super.revoked(election, role, instanceId, fencingToken, reason);
		getPublisher().publishEvent(new OnRevokedEvent(election, context(election, role), role));
	}

	private static Context context(LeaderElection election, String role) {
		return new Context() {

			@Override
			public boolean isLeader() {
				return election.isLeader(role);
			}

			@Override
			public void yield() {
				election.yield(role);
			}

			@Override
			public String getRole() {
				return role;
			}

			@Override
			public String toString() {
				return "NatsLeaderContext[role " + role + ", leader " + isLeader() + "]";
			}

		};
	}

}
