package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nats.client.api.StorageType;

import org.springframework.util.unit.DataSize;

/**
 * An object store bucket as the application declares it, under {@code nats.jetstream.object-store.<BUCKET>} or as
 * a bean. Every setting is optional: {@code null} means "not declared" and is left as the server has it.
 *
 * @param name the bucket name (letters, digits, '-' and '_'); defaults to the map key
 * @param storage storage type: file or memory (cannot change later)
 * @param replicas number of replicas in a cluster (1 to 5); a change is applied as an update
 * @param maxBytes how much the bucket may store; -1B for no limit
 * @param ttl how long an object lives; 0 keeps objects forever
 * @param description description of the bucket
 * @param compression whether the bucket's storage is compressed (s2)
 * @param metadata user metadata; only the declared keys are compared and written (keys others set on the server
 * stay), and keys starting with "_nats." belong to the server and are ignored
 * @param placement the cluster and server tags the bucket's replicas are placed on; a change moves the bucket
 */
public record ObjectStoreDeclaration(String name, StorageType storage, Integer replicas, DataSize maxBytes,
		Duration ttl, String description, Boolean compression, Map<String, String> metadata,
		PlacementDeclaration placement) {

	public ObjectStoreDeclaration {
		metadata = (metadata != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(metadata)) : null;
	}

	/**
	 * A bucket with the server's defaults (no limits, file storage).
	 * @param name the bucket name
	 * @return the declaration
	 */
	public static ObjectStoreDeclaration of(String name) {
		return new ObjectStoreDeclaration(name, null, null, null, null, null, null, null, null);
	}

}
