package io.github.natsspring.jetstream.reconcile;

import java.util.List;

/**
 * The outcome of reconciling one resource.
 *
 * @param kind the kind of resource
 * @param name its name (the durable name for consumers, the bucket name for buckets)
 * @param stream the stream of a consumer, {@code null} for other kinds
 * @param origin where it was declared, for example {@code nats.jetstream.streams[ORDERS]}
 * @param status what was done or found
 * @param differences every declared setting the server had differently, with declared and actual values
 * @param message the server's refusal for {@link ResourceStatus#FAILED}, otherwise {@code null}
 */
public record ResourceReport(ResourceKind kind, String name, String stream, String origin, ResourceStatus status,
		List<Difference> differences, String message) {

	public ResourceReport {
		differences = List.copyOf(differences);
	}

	/**
	 * The resource as users name it: {@code stream ORDERS}, {@code consumer ORDERS/worker}.
	 * @return the description
	 */
	public String describe() {
		return this.kind + " " + ((this.stream != null) ? this.stream + "/" : "") + this.name;
	}

	/**
	 * The differences that are conflicts.
	 * @return the immutable or too-new settings
	 */
	public List<Difference> conflicts() {
		return this.differences.stream().filter((difference) -> difference.type().isConflict()).toList();
	}

	String key() {
		return this.kind + ":" + ((this.stream != null) ? this.stream + "/" : "") + this.name;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(this.status.name().toLowerCase().replace('_', ' ')).append(' ')
			.append(describe());
		if (this.message != null) {
			text.append(": ").append(this.message);
		}
		for (Difference difference : this.differences) {
			text.append("\n    ").append(difference);
		}
		return text.toString();
	}

}
