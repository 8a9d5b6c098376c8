package io.github.natsspring.coordination.leader;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.natsspring.health.NatsHealthGroup;

/**
 * The {@code leaders} group under the {@code nats} health component: one member per role this instance competes
 * for, showing who leads it ({@code leader}: the leading instance's id, {@code self}: whether it is this one) and the
 * fencing token of the leadership. UP while a leader is known, UNKNOWN while none is (the election is still on, or
 * NATS was not reached yet), DOWN when this instance's last attempt failed (the coordination bucket could not be
 * reached). Computed from what the candidates last saw: a health check sends nothing to NATS.
 */
public class LeadersHealthGroup implements NatsHealthGroup {

	private final LeaderElection election;

	public LeadersHealthGroup(LeaderElection election) {
		this.election = election;
	}

	@Override
	public String getName() {
		return "leaders";
	}

	@Override
	public Map<String, HealthContributor> getMembers() {
		Map<String, HealthContributor> members = new LinkedHashMap<>();
		for (String role : this.election.getLeaderships().keySet()) {
			members.put(role, (HealthIndicator) () -> health(role));
		}
		return members;
	}

	private Health health(String role) {
		Leadership leadership = this.election.getLeadership(role).orElse(null);
		if (leadership == null) {
			return Health.unknown().build();
		}
		Health.Builder builder = (leadership.lastError() != null && !leadership.self()) ? Health.down()
				: (leadership.leader() != null) ? Health.up() : Health.unknown();
		builder.withDetail("leader", (leadership.leader() != null) ? leadership.leader() : "none known");
		builder.withDetail("self", leadership.self());
		if (leadership.fencingToken() > 0) {
			builder.withDetail("fencingToken", leadership.fencingToken());
		}
		if (leadership.since() != null) {
			builder.withDetail("since", leadership.since().toString());
		}
		if (leadership.lastError() != null) {
			builder.withDetail("lastError", leadership.lastError());
		}
		return builder.build();
	}

}
