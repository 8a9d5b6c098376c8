package io.github.natsspring.jetstream.reconcile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JetStream resources the application declares: configuration properties and declaration beans merged, names
 * resolved and every declaration validated. Building one throws {@link InvalidDeclarationException} for the first
 * mistake, before anything talks to the server.
 */
public final class JetStreamTopology {

	private final Map<String, Declared<StreamDeclaration>> streams;

	private final Map<String, Declared<KeyValueDeclaration>> keyValues;

	private final Map<String, Declared<ObjectStoreDeclaration>> objectStores;

	private JetStreamTopology(Map<String, Declared<StreamDeclaration>> streams,
			Map<String, Declared<KeyValueDeclaration>> keyValues,
			Map<String, Declared<ObjectStoreDeclaration>> objectStores) {
		this.streams = streams;
		this.keyValues = keyValues;
		this.objectStores = objectStores;
	}

	public static Builder builder() {
		return new Builder();
	}

	public static JetStreamTopology empty() {
		return builder().build();
	}

	public List<Declared<StreamDeclaration>> getStreams() {
		return List.copyOf(this.streams.values());
	}

	public Optional<Declared<StreamDeclaration>> getStream(String name) {
		return Optional.ofNullable(this.streams.get(name));
	}

	/**
	 * The consumers declared for a stream, with their resolved names and origins.
	 * @param stream the stream
	 * @return the consumers in declaration order
	 */
	public List<Declared<ConsumerDeclaration>> getConsumers(Declared<StreamDeclaration> stream) {
		List<Declared<ConsumerDeclaration>> consumers = new ArrayList<>();
		stream.declaration().consumers().forEach((name, consumer) -> consumers
			.add(new Declared<>(name, consumer, stream.origin().nested("consumers[" + name + "]"))));
		return consumers;
	}

	public List<Declared<KeyValueDeclaration>> getKeyValues() {
		return List.copyOf(this.keyValues.values());
	}

	public List<Declared<ObjectStoreDeclaration>> getObjectStores() {
		return List.copyOf(this.objectStores.values());
	}

	public boolean isEmpty() {
		return this.streams.isEmpty() && this.keyValues.isEmpty() && this.objectStores.isEmpty();
	}

	/**
	 * This topology with one more stream (merged with a declaration of the same name, if any), validated.
	 * @param stream the stream, with its name set
	 * @param origin where it was declared
	 * @return the new topology
	 * @throws InvalidDeclarationException if the stream is invalid or contradicts an existing declaration
	 */
	public JetStreamTopology withStream(StreamDeclaration stream, DeclarationOrigin origin) {
		Builder builder = toBuilder();
		builder.stream(null, stream, origin);
		return builder.build();
	}

	/**
	 * This topology with one more key-value bucket (merged with a declaration of the same name, if any).
	 * @param bucket the bucket
	 * @param origin where it is declared
	 * @return the extended topology
	 * @throws InvalidDeclarationException if it contradicts a declaration of the same bucket
	 */
	public JetStreamTopology withKeyValue(KeyValueDeclaration bucket, DeclarationOrigin origin) {
		Builder builder = toBuilder();
		builder.keyValue(null, bucket, origin);
		return builder.build();
	}

	/**
	 * Looks up a declared key-value bucket.
	 * @param bucket the bucket name
	 * @return the bucket, if declared
	 */
	public Optional<Declared<KeyValueDeclaration>> getKeyValue(String bucket) {
		return Optional.ofNullable(this.keyValues.get(bucket));
	}

	/**
	 * Looks up a declared consumer.
	 * @param stream the stream name
	 * @param consumer the durable name
	 * @return the consumer, if declared
	 */
	public Optional<Declared<ConsumerDeclaration>> getConsumer(String stream, String consumer) {
		return getStream(stream).flatMap((declared) -> getConsumers(declared).stream()
			.filter((candidate) -> candidate.name().equals(consumer))
			.findFirst());
	}

	private Builder toBuilder() {
		Builder builder = new Builder();
		this.streams.values().forEach((s) -> builder.stream(null, s.declaration(), s.origin()));
		this.keyValues.values().forEach((b) -> builder.keyValue(null, b.declaration(), b.origin()));
		this.objectStores.values().forEach((b) -> builder.objectStore(null, b.declaration(), b.origin()));
		return builder;
	}

	/**
	 * Collects declarations; {@link #build()} merges those of the same name and validates them all.
	 */
	public static final class Builder {

		private final Map<String, Declared<StreamDeclaration>> streams = new LinkedHashMap<>();

		private final Map<String, Declared<KeyValueDeclaration>> keyValues = new LinkedHashMap<>();

		private final Map<String, Declared<ObjectStoreDeclaration>> objectStores = new LinkedHashMap<>();

		private Builder() {
		}

		/**
		 * Adds a stream.
		 * @param key the map key it was bound under, or {@code null} for declarations made in code
		 * @param stream the declaration; its explicit name wins over the key
		 * @param origin where it was declared
		 * @return this builder
		 */
		public Builder stream(String key, StreamDeclaration stream, DeclarationOrigin origin) {
			String name = Names.resolve(stream.name(), key);
			requireName(name, origin);
			StreamDeclaration named = DeclarationRecords.withName(stream, name);
			// consumers get their resolved names too, so that merging compares like with like
			Map<String, ConsumerDeclaration> consumers = new LinkedHashMap<>();
			named.consumers().forEach((consumerKey, consumer) -> {
				String consumerName = Names.resolve(consumer.name(), consumerKey);
				consumers.put(consumerName, DeclarationRecords.withName(consumer, consumerName));
			});
			StreamDeclaration complete = DeclarationRecords.with(named, "consumers", consumers);
			add(this.streams, name, complete, origin);
			return this;
		}

		public Builder keyValue(String key, KeyValueDeclaration bucket, DeclarationOrigin origin) {
			String name = Names.resolve(bucket.name(), key);
			requireName(name, origin);
			add(this.keyValues, name, DeclarationRecords.withName(bucket, name), origin);
			return this;
		}

		public Builder objectStore(String key, ObjectStoreDeclaration bucket, DeclarationOrigin origin) {
			String name = Names.resolve(bucket.name(), key);
			requireName(name, origin);
			add(this.objectStores, name, DeclarationRecords.withName(bucket, name), origin);
			return this;
		}

		private static void requireName(String name, DeclarationOrigin origin) {
			if (name == null || name.isBlank()) {
				throw new InvalidDeclarationException(origin.describe("name"), "the declaration has no name",
						"Give the declaration a name.");
			}
		}

		private static <D extends Record> void add(Map<String, Declared<D>> target, String name, D declaration,
				DeclarationOrigin origin) {
			Declared<D> existing = target.get(name);
			if (existing == null) {
				target.put(name, new Declared<>(name, declaration, origin));
			}
			else {
				D merged = DeclarationRecords.merge(existing.declaration(), declaration, existing.origin(), origin);
				target.put(name, new Declared<>(name, merged, existing.origin()));
			}
		}

		public JetStreamTopology build() {
			JetStreamTopology topology = new JetStreamTopology(new LinkedHashMap<>(this.streams),
					new LinkedHashMap<>(this.keyValues), new LinkedHashMap<>(this.objectStores));
			List<Declared<StreamDeclaration>> streams = topology.getStreams();
			for (int i = 0; i < streams.size(); i++) {
				Declared<StreamDeclaration> stream = streams.get(i);
				DeclarationValidator.validateStream(stream);
				for (Declared<ConsumerDeclaration> consumer : topology.getConsumers(stream)) {
					DeclarationValidator.validateConsumer(consumer, stream.declaration());
				}
				for (int j = 0; j < i; j++) {
					DeclarationValidator.checkNoOverlap(streams.get(j), stream);
				}
			}
			for (Declared<KeyValueDeclaration> bucket : topology.getKeyValues()) {
				DeclarationValidator.validateKeyValue(bucket);
				checkBackingStreamName(topology, "KV_" + bucket.name(), bucket.origin());
			}
			for (Declared<ObjectStoreDeclaration> bucket : topology.getObjectStores()) {
				DeclarationValidator.validateObjectStore(bucket);
				checkBackingStreamName(topology, "OBJ_" + bucket.name(), bucket.origin());
			}
			return topology;
		}

		private static void checkBackingStreamName(JetStreamTopology topology, String streamName,
				DeclarationOrigin bucket) {
			topology.getStream(streamName).ifPresent((stream) -> {
				throw new InvalidDeclarationException(stream.origin().toString(),
						"stream '" + streamName + "' is the stream NATS keeps the bucket " + bucket + " in",
						"Rename the stream; names starting with KV_ and OBJ_ belong to buckets.");
			});
		}

	}

}
