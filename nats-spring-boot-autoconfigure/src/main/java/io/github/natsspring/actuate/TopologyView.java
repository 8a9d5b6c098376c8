package io.github.natsspring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.natsspring.jetstream.reconcile.Difference;
import io.github.natsspring.jetstream.reconcile.ReconcileReport;
import io.github.natsspring.jetstream.reconcile.ResourceInspection;
import io.github.natsspring.jetstream.reconcile.ResourceReport;
import io.github.natsspring.jetstream.reconcile.ResourceState;
import io.github.natsspring.jetstream.reconcile.TopologyInspection;

/**
 * The JSON shape of the {@code topology} section, of one resource, and of a reconciliation report.
 */
final class TopologyView {

	private TopologyView() {
	}

	static Map<String, Object> summary(TopologyInspection inspection) {
		Map<String, Object> topology = header(inspection);
		Map<String, Integer> counts = new TreeMap<>();
		inspection.resources().forEach((resource) -> counts.merge(resource.state().label(), 1, Integer::sum));
		topology.put("states", counts);
		topology.put("resources", inspection.resources().stream().map(TopologyView::brief).toList());
		return topology;
	}

	static Map<String, Object> header(TopologyInspection inspection) {
		Map<String, Object> topology = new LinkedHashMap<>();
		topology.put("mode", label(inspection.mode().name()));
		topology.put("failOnConflict", inspection.failOnConflict());
		topology.put("serverVersion", inspection.serverVersion());
		topology.put("readAt", inspection.readAt().toString());
		return topology;
	}

	private static Map<String, Object> brief(ResourceInspection resource) {
		Map<String, Object> details = identity(resource);
		if (resource.state() != ResourceState.IN_SYNC) {
			details.put("differences", differences(resource.differences()));
		}
		if (resource.message() != null) {
			details.put("message", resource.message());
		}
		return details;
	}

	static Map<String, Object> full(TopologyInspection inspection, ResourceInspection resource) {
		Map<String, Object> details = identity(resource);
		details.put("mode", label(inspection.mode().name()));
		details.put("serverVersion", inspection.serverVersion());
		details.put("readAt", inspection.readAt().toString());
		details.put("declared", resource.declared());
		details.put("actual", resource.actual());
		details.put("differences", differences(resource.differences()));
		Map<String, Object> plan = new LinkedHashMap<>();
		plan.put("action", resource.plan().action());
		plan.put("properties", resource.plan().properties());
		if (resource.plan().note() != null) {
			plan.put("note", resource.plan().note());
		}
		details.put("plan", plan);
		if (resource.serverConfiguration() != null) {
			details.put("serverConfiguration", JsonValues.parse(resource.serverConfiguration()));
		}
		if (resource.message() != null) {
			details.put("message", resource.message());
		}
		return details;
	}

	private static Map<String, Object> identity(ResourceInspection resource) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("kind", resource.kind().toString());
		details.put("name", resource.name());
		if (resource.stream() != null) {
			details.put("stream", resource.stream());
		}
		details.put("origin", resource.origin());
		details.put("state", resource.state().label());
		return details;
	}

	static Map<String, Object> report(ReconcileReport report) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("mode", label(report.mode().name()));
		if (report.serverVersion() != null) {
			details.put("serverVersion", report.serverVersion());
		}
		details.put("time", report.time().toString());
		details.put("summary", report.summary());
		details.put("resources", report.resources().stream().map(TopologyView::resource).toList());
		return details;
	}

	private static Map<String, Object> resource(ResourceReport resource) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("kind", resource.kind().toString());
		details.put("name", resource.name());
		if (resource.stream() != null) {
			details.put("stream", resource.stream());
		}
		details.put("origin", resource.origin());
		details.put("status", label(resource.status().name()));
		if (!resource.differences().isEmpty()) {
			details.put("differences", differences(resource.differences()));
		}
		if (resource.message() != null) {
			details.put("message", resource.message());
		}
		return details;
	}

	private static List<Map<String, Object>> differences(List<Difference> differences) {
		return differences.stream().map((difference) -> {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("property", difference.property());
			details.put("declared", difference.declared());
			details.put("actual", difference.actual());
			details.put("type", label(difference.type().name()));
			if (difference.reason() != null) {
				details.put("reason", difference.reason());
			}
			return details;
		}).toList();
	}

	private static String label(String name) {
		return name.toLowerCase().replace('_', '-');
	}

}
