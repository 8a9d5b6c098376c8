package io.github.natsspring.micro;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.HealthContributor;

import io.github.natsspring.health.NatsHealthGroup;

/**
 * The {@code services} group under the {@code nats} health component: one {@link NatsServiceHealthIndicator} per
 * service, named after the service.
 */
public class NatsServicesHealthGroup implements NatsHealthGroup {

	private final NatsServiceRegistry registry;

	public NatsServicesHealthGroup(NatsServiceRegistry registry) {
		this.registry = registry;
	}

	@Override
	public String getName() {
		return "services";
	}

	@Override
	public Map<String, HealthContributor> getMembers() {
		Map<String, HealthContributor> members = new LinkedHashMap<>();
		for (NatsServiceContainer service : this.registry.getServices()) {
			members.put(service.getName(), new NatsServiceHealthIndicator(service, this.registry));
		}
		return members;
	}

}
