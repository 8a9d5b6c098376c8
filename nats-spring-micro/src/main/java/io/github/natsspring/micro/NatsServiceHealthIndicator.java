package io.github.natsspring.micro;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of one service instance: UP while it answers on its subjects, DOWN when it should but does not (not
 * started because NATS is not connected yet, or stopped), UNKNOWN when services are meant to be stopped. Details:
 * id, version, start time, concurrency and requests in flight, and per endpoint its subject, queue group and
 * counters.
 */
public class NatsServiceHealthIndicator implements HealthIndicator {

	private final NatsServiceContainer service;

	private final NatsServiceRegistry registry;

	public NatsServiceHealthIndicator(NatsServiceContainer service, NatsServiceRegistry registry) {
		this.service = service;
		this.registry = registry;
	}

	@Override
	public Health health() {
		Health.Builder builder;
		if (this.service.isRunning()) {
			builder = Health.up();
		}
		else if (this.registry.isExpectedToRun()) {
			builder = Health.down();
		}
		else {
			builder = Health.status(Status.UNKNOWN);
		}
		ServiceDefinition definition = this.service.getDefinition();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("name", definition.name());
		details.put("version", definition.version());
		details.put("running", this.service.isRunning());
		if (this.service.getId() != null) {
			details.put("id", this.service.getId());
			details.put("started", String.valueOf(this.service.getStarted()));
		}
		details.put("concurrency", definition.concurrency());
		details.put("inFlight", this.service.getInFlight());
		List<Map<String, Object>> endpoints = new ArrayList<>();
		for (EndpointStats stats : this.service.getStats()) {
			Map<String, Object> endpoint = new LinkedHashMap<>();
			endpoint.put("name", stats.name());
			endpoint.put("subject", stats.subject());
			endpoint.put("queueGroup", (stats.queueGroup() != null) ? stats.queueGroup() : "(none)");
			endpoint.put("requests", stats.numRequests());
			endpoint.put("errors", stats.numErrors());
			if (!stats.lastError().isEmpty()) {
				endpoint.put("lastError", stats.lastError());
			}
			endpoints.add(endpoint);
		}
		details.put("endpoints", endpoints);
		return builder.withDetails(details).build();
	}

}
