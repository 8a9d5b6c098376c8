package io.github.natsspring.autoconfigure;

import io.nats.client.KeyValue;
import io.nats.client.ObjectStore;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.kv.LazyKeyValue;
import io.github.natsspring.objectstore.LazyObjectStore;
import io.github.natsspring.objectstore.ObjectStoreTemplate;

/**
 * The factory methods of the per-bucket beans that {@link NatsBucketBeanRegistrar} registers. Bean definitions that
 * name a factory method and its arguments (unlike instance suppliers) can be written out as code by Spring's AOT
 * processing, so an application with declared buckets works AOT-processed and in a native image.
 */
public final class NatsBucketBeans {

	private NatsBucketBeans() {
	}

	public static KeyValue keyValue(NatsConnectionManager connectionManager, String bucket, JetStreamApi api) {
		return LazyKeyValue.create(connectionManager, bucket, api);
	}

	public static KeyValueTemplate keyValueTemplate(KeyValue keyValue, NatsMessageConverter messageConverter) {
		return new KeyValueTemplate(keyValue, messageConverter);
	}

	public static ObjectStore objectStore(NatsConnectionManager connectionManager, String bucket, JetStreamApi api) {
		return LazyObjectStore.create(connectionManager, bucket, api);
	}

	public static ObjectStoreTemplate objectStoreTemplate(ObjectStore objectStore) {
		return new ObjectStoreTemplate(objectStore);
	}

}
