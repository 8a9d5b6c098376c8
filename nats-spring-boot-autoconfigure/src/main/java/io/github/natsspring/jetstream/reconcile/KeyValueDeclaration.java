package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nats.client.api.StorageType;

import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.util.unit.DataSize;

/**
 * A key-value bucket as the application declares it, under {@code nats.jetstream.key-value.<BUCKET>} or as a bean.
 * Every setting is optional: {@code null} means "not declared" and is left as the server has it.
 *
 * @param name the bucket name (letters, digits, '-' and '_'); defaults to the map key
 * @param history how many values are kept per key (1 to 64)
 * @param ttl how long a value lives; 0 keeps values forever
 * @param maxBytes how much the bucket may store; -1B for no limit
 * @param maxValueSize largest value the bucket accepts; -1B for no limit
 * @param storage storage type: file or memory (cannot change later)
 * @param replicas number of replicas in a cluster (1 to 5); a change is applied as an update
 * @param description description of the bucket
 * @param compression whether the bucket's storage is compressed (s2)
 * @param metadata user metadata; only the declared keys are compared and written (keys others set on the server
 * stay), and keys starting with "_nats." belong to the server and are ignored
 * @param limitMarkerTtl lets keys carry their own TTL (per-message TTL) and keeps a delete marker this long when a
 * key is removed by a TTL, so that watchers see it go (needs nats-server 2.11; per-key TTL cannot be switched off
 * again)
 * @param placement the cluster and server tags the bucket's replicas are placed on; a change moves the bucket
 */
public record KeyValueDeclaration(String name, Integer history, Duration ttl, DataSize maxBytes,
		DataSize maxValueSize, StorageType storage, Integer replicas, String description, Boolean compression,
		Map<String, String> metadata, Duration limitMarkerTtl, PlacementDeclaration placement) {

	@ConstructorBinding
	public KeyValueDeclaration {
		metadata = (metadata != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(metadata)) : null;
	}

	/**
	 * A bucket without per-key TTL or placement, as before {@code limitMarkerTtl} and {@code placement} existed.
	 * @param name the bucket name
	 * @param history how many values are kept per key
	 * @param ttl how long a value lives
	 * @param maxBytes how much the bucket may store
	 * @param maxValueSize largest value the bucket accepts
	 * @param storage storage type
	 * @param replicas number of replicas
	 * @param description description of the bucket
	 * @param compression whether the bucket's storage is compressed
	 * @param metadata user metadata
	 */
	public KeyValueDeclaration(String name, Integer history, Duration ttl, DataSize maxBytes, DataSize maxValueSize,
			StorageType storage, Integer replicas, String description, Boolean compression,
			Map<String, String> metadata) {
		this(name, history, ttl, maxBytes, maxValueSize, storage, replicas, description, compression, metadata, null,
				null);
	}

	/**
	 * A bucket with the server's defaults (one value per key, no limits, file storage).
	 * @param name the bucket name
	 * @return the declaration
	 */
	public static KeyValueDeclaration of(String name) {
		return new KeyValueDeclaration(name, null, null, null, null, null, null, null, null, null, null, null);
	}

}
