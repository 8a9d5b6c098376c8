package io.github.natsspring.kv;

import io.nats.client.KeyValue;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.LazyResourceProxy;

/**
 * Creates {@link KeyValue} beans that open the bucket on first use, so they can be injected before NATS is
 * reachable.
 */
public final class LazyKeyValue {

	private LazyKeyValue() {
	}

	/**
	 * A key-value bucket opened on first use.
	 * @param connectionManager supplies the connection
	 * @param bucket the bucket name
	 * @return the bucket
	 */
	public static KeyValue create(NatsConnectionManager connectionManager, String bucket) {
		return create(connectionManager, bucket, JetStreamApi.connected());
	}

	/**
	 * A bucket opened on first use, in the JetStream the application uses ({@code nats.jetstream.domain}).
	 * @param connectionManager supplies the connection
	 * @param bucket the bucket name
	 * @param api which JetStream the bucket is in
	 * @return the bucket
	 */
	public static KeyValue create(NatsConnectionManager connectionManager, String bucket, JetStreamApi api) {
		return LazyResourceProxy.create(KeyValue.class, bucket, connectionManager,
				(connection, name) -> connection.keyValue(name, api.keyValueOptions(null)));
	}

}
