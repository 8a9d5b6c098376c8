package io.github.natsspring.jetstream.reconcile;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a reconciliation did: one {@link ResourceReport} per declared resource, with declared and actual values for
 * every difference. Logged at startup, published as a {@link JetStreamReconciledEvent} and kept by the
 * {@link JetStreamReconciler} ({@link JetStreamReconciler#getReport()}).
 *
 * @param mode the mode it ran in
 * @param serverVersion the version of the server it talked to, {@code null} if it never did
 * @param time when it finished
 * @param resources the outcome per resource, in declaration order
 */
public record ReconcileReport(ReconcileMode mode, String serverVersion, Instant time, List<ResourceReport> resources) {

	public ReconcileReport {
		resources = List.copyOf(resources);
	}

	static ReconcileReport empty(ReconcileMode mode) {
		return new ReconcileReport(mode, null, Instant.now(), List.of());
	}

	/**
	 * Looks up one resource.
	 * @param kind the kind
	 * @param name the name (durable name for consumers)
	 * @return the resource's report, if it was reconciled
	 */
	public Optional<ResourceReport> find(ResourceKind kind, String name) {
		return this.resources.stream().filter((r) -> r.kind() == kind && r.name().equals(name)).findFirst();
	}

	/**
	 * Looks up one consumer.
	 * @param stream the stream
	 * @param consumer the durable name
	 * @return the consumer's report, if it was reconciled
	 */
	public Optional<ResourceReport> findConsumer(String stream, String consumer) {
		return this.resources.stream()
			.filter((r) -> r.kind() == ResourceKind.CONSUMER && r.name().equals(consumer) && stream.equals(r.stream()))
			.findFirst();
	}

	public List<ResourceReport> withStatus(ResourceStatus status) {
		return this.resources.stream().filter((r) -> r.status() == status).toList();
	}

	/**
	 * Whether some resource is in conflict or failed.
	 * @return {@code true} if the server does not match the declarations in a way that needs attention
	 */
	public boolean hasProblems() {
		return this.resources.stream().anyMatch((r) -> r.status().isProblem());
	}

	public Map<ResourceStatus, Integer> counts() {
		Map<ResourceStatus, Integer> counts = new EnumMap<>(ResourceStatus.class);
		this.resources.forEach((r) -> counts.merge(r.status(), 1, Integer::sum));
		return counts;
	}

	/**
	 * This report with some resources reported again (a later {@code ensure...} call or reconnect).
	 * @param updates the newer reports
	 * @param serverVersion the server they came from
	 * @return the merged report
	 */
	ReconcileReport merge(List<ResourceReport> updates, String serverVersion) {
		Map<String, ResourceReport> merged = new LinkedHashMap<>();
		this.resources.forEach((r) -> merged.put(r.key(), r));
		updates.forEach((r) -> merged.put(r.key(), r));
		return new ReconcileReport(this.mode, (serverVersion != null) ? serverVersion : this.serverVersion,
				Instant.now(), List.copyOf(merged.values()));
	}

	/**
	 * One line per status count, for example {@code 2 created, 5 unchanged}.
	 * @return the summary
	 */
	public String summary() {
		StringBuilder text = new StringBuilder();
		counts().forEach((status, count) -> text.append((text.length() > 0) ? ", " : "")
			.append(count)
			.append(' ')
			.append(status.name().toLowerCase().replace('_', ' ')));
		return (text.length() > 0) ? text.toString() : "nothing declared";
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("JetStream topology (mode ")
			.append(this.mode.name().toLowerCase().replace('_', '-'))
			.append((this.serverVersion != null) ? ", nats-server " + this.serverVersion : "")
			.append("): ")
			.append(summary());
		for (ResourceReport resource : this.resources) {
			if (resource.status() != ResourceStatus.UNCHANGED) {
				text.append("\n  ").append(resource.toString().replace("\n", "\n  "));
			}
		}
		return text.toString();
	}

}
