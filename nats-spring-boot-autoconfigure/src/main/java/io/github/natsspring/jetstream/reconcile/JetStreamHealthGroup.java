package io.github.natsspring.jetstream.reconcile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import io.github.natsspring.health.NatsHealthGroup;
import io.github.natsspring.jetstream.JetStreamApi;

/**
 * The {@code jetstream} group under the {@code nats} health component: one member per kind of declared resource
 * ({@code streams}, {@code consumers}, {@code key-value}, {@code object-store}), each DOWN while one of its resources
 * is in conflict or failed, with every resource's status and differences as details. Before the first
 * reconciliation (NATS not reached yet) a single {@code topology} member is UNKNOWN.
 */
public class JetStreamHealthGroup implements NatsHealthGroup {

	private final JetStreamReconciler reconciler;

	public JetStreamHealthGroup(JetStreamReconciler reconciler) {
		this.reconciler = reconciler;
	}

	@Override
	public String getName() {
		return "jetstream";
	}

	@Override
	public Map<String, HealthContributor> getMembers() {
		ReconcileReport report = this.reconciler.getReport();
		Map<String, HealthContributor> members = new LinkedHashMap<>();
		if (report.resources().isEmpty()) {
			if (!this.reconciler.getTopology().isEmpty() && this.reconciler.getMode() != ReconcileMode.OFF) {
				members.put("topology", (HealthIndicator) () -> Health.unknown()
					.withDetail("reconciled", false)
					.withDetail("mode", report.mode().name().toLowerCase().replace('_', '-'))
					.build());
			}
			return members;
		}
		JetStreamApi api = this.reconciler.getJetStreamApi();
		addMember(members, "streams", report, ResourceKind.STREAM, api);
		addMember(members, "consumers", report, ResourceKind.CONSUMER, api);
		addMember(members, "key-value", report, ResourceKind.KEY_VALUE, api);
		addMember(members, "object-store", report, ResourceKind.OBJECT_STORE, api);
		return members;
	}

	private static void addMember(Map<String, HealthContributor> members, String name, ReconcileReport report,
			ResourceKind kind, JetStreamApi api) {
		List<ResourceReport> resources = report.resources().stream().filter((r) -> r.kind() == kind).toList();
		if (resources.isEmpty()) {
			return;
		}
		members.put(name, (HealthIndicator) () -> health(report, resources, api));
	}

	private static Health health(ReconcileReport report, List<ResourceReport> resources, JetStreamApi api) {
		boolean problem = resources.stream().anyMatch((r) -> r.status().isProblem());
		Health.Builder builder = problem ? Health.down() : Health.status(Status.UP);
		builder.withDetail("mode", report.mode().name().toLowerCase().replace('_', '-'));
		if (api.getDomain() != null) {
			builder.withDetail("domain", api.getDomain());
		}
		else if (api.getApiPrefix() != null) {
			builder.withDetail("apiPrefix", api.getApiPrefix());
		}
		if (report.serverVersion() != null) {
			builder.withDetail("serverVersion", report.serverVersion());
		}
		builder.withDetail("reconciledAt", report.time().toString());
		for (ResourceReport resource : resources) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("status", resource.status().name());
			details.put("origin", resource.origin());
			if (resource.message() != null) {
				details.put("message", resource.message());
			}
			if (!resource.differences().isEmpty()) {
				details.put("differences", resource.differences().stream().map(Difference::toString).toList());
			}
			builder.withDetail((resource.stream() != null) ? resource.stream() + "/" + resource.name()
					: resource.name(), details);
		}
		return builder.build();
	}

}
