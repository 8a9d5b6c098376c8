package io.github.natsspring.jetstream.reconcile;

import java.util.List;
import java.util.Map;

/**
 * One declared resource as the server has it now: the declared settings, the server's values of those settings, the
 * differences the planner found, and what the reconciler would do about them.
 *
 * @param kind the kind of resource
 * @param name its name (the durable name for consumers, the bucket name for buckets)
 * @param stream the stream of a consumer, {@code null} for other kinds
 * @param origin where it was declared
 * @param state how it compares with the server
 * @param declared every declared setting, by property name, formatted as in configuration
 * @param actual the server's value of each declared setting ({@code (not set)} when the resource is missing)
 * @param differences every declared setting the server has differently, classified
 * @param plan what a reconciliation in the configured mode would do now
 * @param serverConfiguration the server's whole configuration as JSON (the JetStream API's form: durations in
 * nanoseconds), {@code null} when the resource is missing
 * @param message why the server could not be asked, for {@link ResourceState#FAILED}
 */
public record ResourceInspection(ResourceKind kind, String name, String stream, String origin, ResourceState state,
		Map<String, String> declared, Map<String, String> actual, List<Difference> differences, PlannedChange plan,
		String serverConfiguration, String message) {

	public ResourceInspection {
		declared = Map.copyOf(declared);
		actual = Map.copyOf(actual);
		differences = List.copyOf(differences);
	}

	/**
	 * The resource as users name it: {@code ORDERS}, or {@code ORDERS/worker} for a consumer.
	 * @return the path
	 */
	public String path() {
		return (this.stream != null) ? this.stream + "/" + this.name : this.name;
	}

}
