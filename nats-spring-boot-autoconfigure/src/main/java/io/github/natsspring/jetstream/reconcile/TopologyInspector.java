package io.github.natsspring.jetstream.reconcile;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.nats.client.support.JsonSerializable;

import io.github.natsspring.jetstream.reconcile.ReconcileRun.Plan;

/**
 * Turns the planner's plans into a {@link TopologyInspection}: the same reads and comparisons a reconciliation
 * makes, and for each resource what the configured mode would do, without writing.
 */
final class TopologyInspector {

	private final ReconcileMode mode;

	private final boolean failOnConflict;

	TopologyInspector(ReconcileMode mode, boolean failOnConflict) {
		this.mode = mode;
		this.failOnConflict = failOnConflict;
	}

	TopologyInspection inspect(ReconcileRun run, List<ManagedResource<?, ?, ?>> resources) throws IOException {
		List<Plan<?, ?, ?>> plans = run.planAll(resources);
		// a strict run (startup, or one asked for) with fail-on-conflict writes nothing while anything is a problem
		String heldBack = heldBack(plans);
		List<ResourceInspection> inspected = new ArrayList<>();
		for (Plan<?, ?, ?> plan : plans) {
			inspected.add(inspect(plan, heldBack));
		}
		return new TopologyInspection(this.mode, this.failOnConflict, run.server().version(), Instant.now(),
				inspected);
	}

	private String heldBack(List<Plan<?, ?, ?>> plans) {
		if (!this.failOnConflict || !this.mode.mayCreate()) {
			return null;
		}
		List<String> problems = plans.stream()
			.filter(Plan::isProblem)
			.map((plan) -> describe(plan.resource()))
			.toList();
		return problems.isEmpty() ? null : "nothing is written while " + String.join(", ", problems)
				+ ((problems.size() == 1) ? " is" : " are") + " in conflict or unreadable (fail-on-conflict)";
	}

	private static String describe(ManagedResource<?, ?, ?> resource) {
		return resource.kind() + " " + ((resource.stream() != null) ? resource.stream() + "/" : "") + resource.name();
	}

	private <D, C, B> ResourceInspection inspect(Plan<D, C, B> plan, String heldBack) {
		ManagedResource<D, C, B> resource = plan.resource();
		Map<String, String> declared = new LinkedHashMap<>();
		for (FieldSpec<D, C, B> field : resource.fields()) {
			Object value = field.declared(resource.declaration());
			if (value != null) {
				declared.put(field.property(), field.format(value));
			}
		}
		Map<String, String> actual = new LinkedHashMap<>();
		if (plan.failure() == null) {
			// the server has what was declared, except where the planner found a difference
			Map<String, String> differing = plan.differences()
				.stream()
				.collect(Collectors.toMap(Difference::property, Difference::actual, (a, b) -> a));
			declared.forEach((property, value) -> actual.put(property,
					!plan.exists() ? Values.NOT_SET : differing.getOrDefault(property, value)));
		}
		String configuration = (plan.actual() instanceof JsonSerializable json) ? json.toJson() : null;
		return new ResourceInspection(resource.kind(), resource.name(), resource.stream(),
				resource.origin().toString(), state(plan), declared, actual, plan.differences(),
				plannedChange(plan, declared.keySet(), heldBack), configuration, plan.failure());
	}

	private static ResourceState state(Plan<?, ?, ?> plan) {
		if (plan.failure() != null) {
			return ResourceState.FAILED;
		}
		List<Difference> conflicts = plan.conflicts();
		if (!conflicts.isEmpty()) {
			boolean tooNew = conflicts.stream().allMatch((d) -> d.type() == Difference.Type.REQUIRES_NEWER_SERVER);
			return tooNew ? ResourceState.NEEDS_NEWER_SERVER : ResourceState.CONFLICT;
		}
		if (!plan.exists()) {
			return ResourceState.MISSING;
		}
		return plan.differences().isEmpty() ? ResourceState.IN_SYNC : ResourceState.DRIFTED;
	}

	private PlannedChange plannedChange(Plan<?, ?, ?> plan, Set<String> declared, String heldBack) {
		if (this.mode == ReconcileMode.OFF) {
			return PlannedChange.none("reconciliation is off");
		}
		if (plan.failure() != null) {
			return PlannedChange.none("the resource could not be read");
		}
		boolean changes = !plan.exists() || !plan.editable().isEmpty();
		if (!changes) {
			return PlannedChange.none(plan.conflicts().isEmpty() ? null : conflictNote(plan));
		}
		if (this.mode == ReconcileMode.VALIDATE) {
			return PlannedChange.none("validate mode writes nothing");
		}
		if (heldBack != null) {
			return PlannedChange.none(heldBack);
		}
		Set<String> conflicting = plan.conflicts().stream().map(Difference::property).collect(Collectors.toSet());
		if (!plan.exists()) {
			List<String> written = declared.stream().filter((p) -> !conflicting.contains(p)).toList();
			return new PlannedChange("create", written, conflicting.isEmpty() ? null : conflictNote(plan));
		}
		if (!this.mode.mayUpdate()) {
			return PlannedChange.none("create-only mode leaves existing resources as they are");
		}
		List<String> editable = plan.editable().stream().map(Difference::property).toList();
		return new PlannedChange("update", editable, conflicting.isEmpty() ? null : conflictNote(plan));
	}

	private static String conflictNote(Plan<?, ?, ?> plan) {
		return "the server keeps its value of "
				+ plan.conflicts().stream().map(Difference::property).collect(Collectors.joining(", "));
	}

}
