package io.github.natsspring.micro;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.natsspring.actuate.NatsEndpointSection;

/**
 * The {@code services} section of {@code /actuator/nats}: each service with its instance id, whether it runs, the
 * requests in flight and, per endpoint, the statistics {@code $SRV.STATS} reports.
 */
public class NatsServicesEndpointSection implements NatsEndpointSection {

	private final NatsServiceRegistry registry;

	public NatsServicesEndpointSection(NatsServiceRegistry registry) {
		this.registry = registry;
	}

	@Override
	public String getName() {
		return "services";
	}

	@Override
	public Object describe() {
		List<Map<String, Object>> services = new ArrayList<>();
		for (NatsServiceContainer service : this.registry.getServices()) {
			ServiceDefinition definition = service.getDefinition();
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("name", definition.name());
			details.put("version", definition.version());
			if (definition.description() != null && !definition.description().isEmpty()) {
				details.put("description", definition.description());
			}
			details.put("running", service.isRunning());
			if (service.getId() != null) {
				details.put("id", service.getId());
				details.put("started", String.valueOf(service.getStarted()));
			}
			details.put("concurrency", definition.concurrency());
			details.put("inFlight", service.getInFlight());
			List<Map<String, Object>> endpoints = new ArrayList<>();
			for (EndpointStats stats : service.getStats()) {
				Map<String, Object> endpoint = new LinkedHashMap<>();
				endpoint.put("name", stats.name());
				endpoint.put("subject", stats.subject());
				if (stats.queueGroup() != null) {
					endpoint.put("queueGroup", stats.queueGroup());
				}
				endpoint.put("requests", stats.numRequests());
				endpoint.put("errors", stats.numErrors());
				if (stats.lastError() != null && !stats.lastError().isEmpty()) {
					endpoint.put("lastError", stats.lastError());
				}
				endpoint.put("processingTimeNanos", stats.processingTime());
				endpoint.put("averageProcessingTimeNanos", stats.averageProcessingTime());
				endpoints.add(endpoint);
			}
			details.put("endpoints", endpoints);
			services.add(details);
		}
		return services;
	}

}
