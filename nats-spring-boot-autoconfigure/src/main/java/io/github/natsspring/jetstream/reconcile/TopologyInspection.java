package io.github.natsspring.jetstream.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every declared resource compared with the server at one moment, without writing anything: what
 * {@code /actuator/nats} shows as the topology.
 *
 * @param mode the configured reconcile mode, which the plans follow
 * @param failOnConflict whether a conflict holds back every write
 * @param serverVersion the version of the server that was read
 * @param readAt when the server was read
 * @param resources every declared resource, in declaration order
 */
public record TopologyInspection(ReconcileMode mode, boolean failOnConflict, String serverVersion, Instant readAt,
		List<ResourceInspection> resources) {

	public TopologyInspection {
		resources = List.copyOf(resources);
	}

	/**
	 * Looks a resource up by the name users give it.
	 * @param path a stream or bucket name, or {@code STREAM/consumer}
	 * @return the first resource of that name: streams before key-value buckets before object stores
	 */
	public Optional<ResourceInspection> find(String path) {
		return this.resources.stream().filter((resource) -> resource.path().equals(path)).findFirst();
	}

}
