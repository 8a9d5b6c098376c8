package io.github.natsspring.objectstore;

import io.nats.client.ObjectStore;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.LazyResourceProxy;

/**
 * Creates {@link ObjectStore} beans that open the bucket on first use, so they can be injected before NATS is
 * reachable.
 */
public final class LazyObjectStore {

	private LazyObjectStore() {
	}

	/**
	 * An object store bucket opened on first use.
	 * @param connectionManager supplies the connection
	 * @param bucket the bucket name
	 * @return the bucket
	 */
	public static ObjectStore create(NatsConnectionManager connectionManager, String bucket) {
		return create(connectionManager, bucket, JetStreamApi.connected());
	}

	/**
	 * A bucket opened on first use, in the JetStream the application uses ({@code nats.jetstream.domain}).
	 * @param connectionManager supplies the connection
	 * @param bucket the bucket name
	 * @param api which JetStream the bucket is in
	 * @return the bucket
	 */
	public static ObjectStore create(NatsConnectionManager connectionManager, String bucket, JetStreamApi api) {
		return LazyResourceProxy.create(ObjectStore.class, bucket, connectionManager,
				(connection, name) -> connection.objectStore(name, api.objectStoreOptions(null)));
	}

}
