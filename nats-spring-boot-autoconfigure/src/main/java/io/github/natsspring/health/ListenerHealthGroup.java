package io.github.natsspring.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.HealthContributor;

import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * A group under the {@code nats} health component with one {@link ListenerHealthIndicator} per container of a
 * registry, named by the endpoint id: {@code listeners}, and {@code services} of the micro module.
 */
public class ListenerHealthGroup implements NatsHealthGroup {

	private final String name;

	private final NatsListenerEndpointRegistry registry;

	public ListenerHealthGroup(String name, NatsListenerEndpointRegistry registry) {
		this.name = name;
		this.registry = registry;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Map<String, HealthContributor> getMembers() {
		Map<String, HealthContributor> members = new LinkedHashMap<>();
		for (ListenerContainer container : this.registry.getContainers()) {
			String id = container.getId();
			members.put(id, new ListenerHealthIndicator(container, () -> this.registry.isExpectedToRun(id)));
		}
		return members;
	}

}
