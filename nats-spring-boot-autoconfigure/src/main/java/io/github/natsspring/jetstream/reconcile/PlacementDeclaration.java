package io.github.natsspring.jetstream.reconcile;

import java.util.Arrays;
import java.util.List;

/**
 * Where in a super-cluster, or on which servers of a cluster, JetStream places a stream or bucket and its replicas.
 * Only what is declared is compared and written: a placement that declares tags only leaves the cluster as the
 * server has it. Changing the placement of an existing stream makes the server move it (stream move), which it does
 * in the background while the stream stays available.
 *
 * @param cluster the name of the cluster the stream is placed in
 * @param tags server tags every replica's server must have (servers declare them with {@code server_tags})
 */
public record PlacementDeclaration(String cluster, List<String> tags) {

	public PlacementDeclaration {
		tags = (tags != null) ? List.copyOf(tags) : null;
	}

	/**
	 * A placement in a cluster.
	 * @param cluster the cluster name
	 * @return the declaration
	 */
	public static PlacementDeclaration inCluster(String cluster) {
		return new PlacementDeclaration(cluster, null);
	}

	/**
	 * A placement on servers with all the given tags.
	 * @param tags the server tags
	 * @return the declaration
	 */
	public static PlacementDeclaration withTags(String... tags) {
		return new PlacementDeclaration(null, Arrays.asList(tags));
	}

}
