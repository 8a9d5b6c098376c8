package io.github.natsspring.jetstream.reconcile;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StreamConfiguration;

/**
 * How the reconciler reads and writes one declared resource. The four kinds differ only here: what configuration
 * they have on the server, which settings they manage, and which JetStream API call creates and updates them.
 *
 * @param <D> the declaration type
 * @param <C> the server configuration type
 * @param <B> the configuration builder type
 */
abstract class ManagedResource<D, C, B> {

	/** JetStream API error: stream not found. */
	static final int STREAM_NOT_FOUND = 10059;

	/** JetStream API error: consumer not found. */
	static final int CONSUMER_NOT_FOUND = 10014;

	/** JetStream API error: stream name already in use with a different configuration. */
	static final int STREAM_EXISTS = 10058;

	/** JetStream API error: consumer already exists (create action, 2.10+). */
	static final int CONSUMER_EXISTS = 10148;

	private final ResourceKind kind;

	private final Declared<D> declared;

	private final String stream;

	private final Map<String, String> reasons;

	ManagedResource(ResourceKind kind, Declared<D> declared, String stream) {
		this(kind, declared, stream, Map.of());
	}

	ManagedResource(ResourceKind kind, Declared<D> declared, String stream, Map<String, String> reasons) {
		this.kind = kind;
		this.declared = declared;
		this.stream = stream;
		this.reasons = reasons;
	}

	/**
	 * Why the declaration has a setting, when the code that declared it said so.
	 * @param property the property name
	 * @return the reason, or {@code null}
	 */
	String reason(String property) {
		return this.reasons.get(property);
	}

	ResourceKind kind() {
		return this.kind;
	}

	String name() {
		return this.declared.name();
	}

	/** The stream of a consumer; {@code null} for other kinds. */
	String stream() {
		return this.stream;
	}

	/**
	 * The JetStream domain the resource lives in when its declaration names one; {@code null} for the
	 * application's.
	 */
	String domain() {
		return null;
	}

	D declaration() {
		return this.declared.declaration();
	}

	DeclarationOrigin origin() {
		return this.declared.origin();
	}

	abstract List<FieldSpec<D, C, B>> fields();

	/** The server's configuration, or {@code null} when the resource does not exist. */
	abstract C read(JetStreamManagement jsm) throws IOException, JetStreamApiException;

	/** A builder for a new resource: its name and the parts that make it what it is (a bucket's stream layout). */
	abstract B newBuilder();

	/** A builder holding the server's configuration, so that an update changes only what is written into it. */
	abstract B builderFrom(C actual);

	abstract C build(B builder);

	abstract void create(JetStreamManagement jsm, C configuration) throws IOException, JetStreamApiException;

	abstract void update(JetStreamManagement jsm, C configuration) throws IOException, JetStreamApiException;

	/** The API error code of a create that lost a race against another instance creating it differently. */
	abstract int alreadyExistsCode();

	/** The server's configuration in the form declarations are compared with. */
	C comparable(JetStreamManagement jsm, C actual) throws IOException, JetStreamApiException {
		return actual;
	}

	static StreamConfiguration readStream(JetStreamManagement jsm, String name)
			throws IOException, JetStreamApiException {
		try {
			return jsm.getStreamInfo(name).getConfiguration();
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				return null;
			}
			throw ex;
		}
	}

	/**
	 * What streams, key-value buckets and object stores share: each is a stream underneath, created, updated and
	 * copied the same way.
	 *
	 * @param <D> the declaration type
	 */
	abstract static class StreamBackedResource<D>
			extends ManagedResource<D, StreamConfiguration, StreamConfiguration.Builder> {

		StreamBackedResource(ResourceKind kind, Declared<D> declared) {
			super(kind, declared, null);
		}

		@Override
		StreamConfiguration.Builder builderFrom(StreamConfiguration actual) {
			return StreamConfiguration.builder(actual);
		}

		@Override
		StreamConfiguration build(StreamConfiguration.Builder builder) {
			return builder.build();
		}

		@Override
		void create(JetStreamManagement jsm, StreamConfiguration configuration)
				throws IOException, JetStreamApiException {
			jsm.addStream(configuration);
		}

		@Override
		void update(JetStreamManagement jsm, StreamConfiguration configuration)
				throws IOException, JetStreamApiException {
			jsm.updateStream(configuration);
		}

		@Override
		int alreadyExistsCode() {
			return STREAM_EXISTS;
		}

	}

	/**
	 * A stream and the settings of {@link StreamFields}.
	 */
	static final class StreamResource extends StreamBackedResource<StreamDeclaration> {

		StreamResource(Declared<StreamDeclaration> declared) {
			super(ResourceKind.STREAM, declared);
		}

		@Override
		List<FieldSpec<StreamDeclaration, StreamConfiguration, StreamConfiguration.Builder>> fields() {
			return StreamFields.ALL;
		}

		@Override
		StreamConfiguration read(JetStreamManagement jsm) throws IOException, JetStreamApiException {
			return readStream(jsm, name());
		}

		@Override
		String domain() {
			return declaration().domain();
		}

		@Override
		StreamConfiguration.Builder newBuilder() {
			return StreamConfiguration.builder().name(name());
		}

	}

	/**
	 * A durable consumer of a stream and the settings of {@link ConsumerFields}.
	 */
	static final class ConsumerResource
			extends ManagedResource<ConsumerDeclaration, ConsumerConfiguration, ConsumerConfiguration.Builder> {

		private final String streamDomain;

		ConsumerResource(String stream, String streamDomain, Declared<ConsumerDeclaration> declared) {
			this(stream, streamDomain, declared, Map.of());
		}

		/**
		 * @param stream the stream
		 * @param streamDomain the domain the stream's declaration names, {@code null} for the application's
		 * @param declared the consumer
		 * @param reasons why code declares some of its settings
		 */
		ConsumerResource(String stream, String streamDomain, Declared<ConsumerDeclaration> declared,
				Map<String, String> reasons) {
			super(ResourceKind.CONSUMER, declared, stream, reasons);
			this.streamDomain = streamDomain;
		}

		/** A consumer lives where its stream does. */
		@Override
		String domain() {
			return this.streamDomain;
		}

		@Override
		List<FieldSpec<ConsumerDeclaration, ConsumerConfiguration, ConsumerConfiguration.Builder>> fields() {
			return ConsumerFields.ALL;
		}

		@Override
		ConsumerConfiguration read(JetStreamManagement jsm) throws IOException, JetStreamApiException {
			try {
				return jsm.getConsumerInfo(stream(), name()).getConsumerConfiguration();
			}
			catch (JetStreamApiException ex) {
				if (ex.getApiErrorCode() == CONSUMER_NOT_FOUND || ex.getApiErrorCode() == STREAM_NOT_FOUND) {
					return null;
				}
				throw ex;
			}
		}

		@Override
		ConsumerConfiguration.Builder newBuilder() {
			return ConsumerConfiguration.builder().durable(name());
		}

		@Override
		ConsumerConfiguration.Builder builderFrom(ConsumerConfiguration actual) {
			return ConsumerConfiguration.builder(actual);
		}

		@Override
		ConsumerConfiguration build(ConsumerConfiguration.Builder builder) {
			return builder.build();
		}

		@Override
		void create(JetStreamManagement jsm, ConsumerConfiguration configuration)
				throws IOException, JetStreamApiException {
			// the create action (2.10+) never touches a consumer someone else created in the meantime
			jsm.createConsumer(stream(), configuration);
		}

		@Override
		void update(JetStreamManagement jsm, ConsumerConfiguration configuration)
				throws IOException, JetStreamApiException {
			jsm.updateConsumer(stream(), configuration);
		}

		@Override
		int alreadyExistsCode() {
			return CONSUMER_EXISTS;
		}

		/**
		 * Replicas 0 means "as many as the stream": compare the declared value with the stream's.
		 */
		@Override
		ConsumerConfiguration comparable(JetStreamManagement jsm, ConsumerConfiguration actual)
				throws IOException, JetStreamApiException {
			if (declaration().replicas() == null || actual.getNumReplicas() != 0) {
				return actual;
			}
			StreamConfiguration stream = readStream(jsm, stream());
			return (stream != null) ? ConsumerConfiguration.builder(actual).numReplicas(stream.getReplicas()).build()
					: actual;
		}

	}

	/**
	 * A key-value bucket: the stream {@code KV_<bucket>} and the settings of {@link BucketFields#KEY_VALUE}.
	 */
	static final class KeyValueResource extends StreamBackedResource<KeyValueDeclaration> {

		KeyValueResource(Declared<KeyValueDeclaration> declared) {
			super(ResourceKind.KEY_VALUE, declared);
		}

		@Override
		List<FieldSpec<KeyValueDeclaration, StreamConfiguration, StreamConfiguration.Builder>> fields() {
			return BucketFields.KEY_VALUE;
		}

		@Override
		StreamConfiguration read(JetStreamManagement jsm) throws IOException, JetStreamApiException {
			return readStream(jsm, "KV_" + name());
		}

		@Override
		StreamConfiguration.Builder newBuilder() {
			// the layout jnats and the other clients give a bucket: subjects, rollups, discard new, direct get
			return StreamConfiguration.builder(KeyValueConfiguration.builder().name(name()).build().getBackingConfig());
		}

	}

	/**
	 * An object store bucket: the stream {@code OBJ_<bucket>} and the settings of {@link BucketFields#OBJECT_STORE}.
	 */
	static final class ObjectStoreResource extends StreamBackedResource<ObjectStoreDeclaration> {

		ObjectStoreResource(Declared<ObjectStoreDeclaration> declared) {
			super(ResourceKind.OBJECT_STORE, declared);
		}

		@Override
		List<FieldSpec<ObjectStoreDeclaration, StreamConfiguration, StreamConfiguration.Builder>> fields() {
			return BucketFields.OBJECT_STORE;
		}

		@Override
		StreamConfiguration read(JetStreamManagement jsm) throws IOException, JetStreamApiException {
			return readStream(jsm, "OBJ_" + name());
		}

		@Override
		StreamConfiguration.Builder newBuilder() {
			return StreamConfiguration
				.builder(ObjectStoreConfiguration.builder().name(name()).build().getBackingConfig());
		}

	}

}
