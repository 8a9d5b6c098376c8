package io.github.natsspring.coordination.leader;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes leadership changes as application events: {@link NatsLeaderGrantedEvent} and
 * {@link NatsLeaderRevokedEvent} always, and Spring Integration's {@code OnGrantedEvent} / {@code OnRevokedEvent}
 * as well when it is on the classpath (see {@link IntegrationLeadershipEvents}).
 */
public class LeadershipEvents {

	private final ApplicationEventPublisher publisher;

	public LeadershipEvents(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	void granted(LeaderElection election, String role, String instanceId, long fencingToken) {
		this.publisher.publishEvent(new NatsLeaderGrantedEvent(election, role, instanceId, fencingToken));
	}

	void revoked(LeaderElection election, String role, String instanceId, long fencingToken, String reason) {
		this.publisher.publishEvent(new NatsLeaderRevokedEvent(election, role, instanceId, fencingToken, reason));
	}

	protected ApplicationEventPublisher getPublisher() {
		return this.publisher;
	}

}
