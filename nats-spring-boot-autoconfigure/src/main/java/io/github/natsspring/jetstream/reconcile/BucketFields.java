package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.nats.client.api.CompressionOption;
import io.nats.client.api.StreamConfiguration;

/**
 * The key-value and object store bucket settings the reconciler manages. A bucket is a stream ({@code KV_<bucket>},
 * {@code OBJ_<bucket>}), so these read and write the backing stream's configuration under the bucket's property
 * names.
 */
final class BucketFields {

	/** The duplicate window the server uses when max-age does not force a shorter one. */
	private static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);

	static final List<FieldSpec<KeyValueDeclaration, StreamConfiguration, StreamConfiguration.Builder>> KEY_VALUE = List
		.of(kv("history", (d) -> Values.longValue(d.history()), StreamConfiguration::getMaxMsgsPerSubject,
				(b, d) -> b.maxMessagesPerSubject(d.history())),
				kv("ttl", KeyValueDeclaration::ttl, (c) -> Values.duration(c.getMaxAge()), (b, d) -> ttl(b, d.ttl())),
				kv("max-bytes", (d) -> Values.bytes(d.maxBytes()), StreamConfiguration::getMaxBytes,
						(b, d) -> b.maxBytes(d.maxBytes().toBytes()))
					.format(Values::formatBytes),
				kv("max-value-size", (d) -> Values.bytes(d.maxValueSize()), StreamConfiguration::getMaxMsgSize,
						(b, d) -> b.maximumMessageSize((int) d.maxValueSize().toBytes()))
					.format(Values::formatBytes),
				kv("storage", KeyValueDeclaration::storage, StreamConfiguration::getStorageType,
						(b, d) -> b.storageType(d.storage()))
					.rule(ChangeRule.immutable("a bucket's storage type never changes")),
				kv("replicas", KeyValueDeclaration::replicas, StreamConfiguration::getReplicas,
						(b, d) -> b.replicas(d.replicas())),
				PlacementField.of(KeyValueDeclaration::placement),
				kv("description", (d) -> Values.text(d.description()), (c) -> Values.text(c.getDescription()),
						(b, d) -> b.description(d.description())),
				kv("compression", KeyValueDeclaration::compression, BucketFields::compressed,
						(b, d) -> compression(b, d.compression()))
					.since((value) -> Boolean.TRUE.equals(value) ? "2.10.0" : null),
				kv("metadata", (d) -> (d.metadata() != null) ? Values.userMetadata(d.metadata()) : null,
						(c) -> Values.userMetadata(c.getMetadata()), (b, d) -> b.metadata(d.metadata()))
					.compareWithin(Values::declaredKeys)
					.updateWith((b, d, c) -> b.metadata(Values.mergedMetadata(c.getMetadata(), d.metadata())))
					.since((value) -> (value instanceof Map<?, ?> map && !map.isEmpty()) ? "2.10.0" : null),
				kv("limit-marker-ttl", KeyValueDeclaration::limitMarkerTtl, BucketFields::limitMarkerTtl,
						(b, d) -> b.allowMessageTtl(true).subjectDeleteMarkerTtl(d.limitMarkerTtl()))
					.since("2.11.0"));

	static final List<FieldSpec<ObjectStoreDeclaration, StreamConfiguration, StreamConfiguration.Builder>> OBJECT_STORE = List
		.of(os("storage", ObjectStoreDeclaration::storage, StreamConfiguration::getStorageType,
				(b, d) -> b.storageType(d.storage()))
			.rule(ChangeRule.immutable("a bucket's storage type never changes")),
				os("replicas", ObjectStoreDeclaration::replicas, StreamConfiguration::getReplicas,
						(b, d) -> b.replicas(d.replicas())),
				PlacementField.of(ObjectStoreDeclaration::placement),
				os("max-bytes", (d) -> Values.bytes(d.maxBytes()), StreamConfiguration::getMaxBytes,
						(b, d) -> b.maxBytes(d.maxBytes().toBytes()))
					.format(Values::formatBytes),
				os("ttl", ObjectStoreDeclaration::ttl, (c) -> Values.duration(c.getMaxAge()), (b, d) -> ttl(b, d.ttl())),
				os("description", (d) -> Values.text(d.description()), (c) -> Values.text(c.getDescription()),
						(b, d) -> b.description(d.description())),
				os("compression", ObjectStoreDeclaration::compression, BucketFields::compressed,
						(b, d) -> compression(b, d.compression()))
					.since((value) -> Boolean.TRUE.equals(value) ? "2.10.0" : null),
				os("metadata", (d) -> (d.metadata() != null) ? Values.userMetadata(d.metadata()) : null,
						(c) -> Values.userMetadata(c.getMetadata()), (b, d) -> b.metadata(d.metadata()))
					.compareWithin(Values::declaredKeys)
					.updateWith((b, d, c) -> b.metadata(Values.mergedMetadata(c.getMetadata(), d.metadata())))
					.since((value) -> (value instanceof Map<?, ?> map && !map.isEmpty()) ? "2.10.0" : null));

	private BucketFields() {
	}

	private static FieldSpec<KeyValueDeclaration, StreamConfiguration, StreamConfiguration.Builder> kv(String property,
			Function<KeyValueDeclaration, Object> declared, Function<StreamConfiguration, Object> actual,
			BiConsumer<StreamConfiguration.Builder, KeyValueDeclaration> writer) {
		return FieldSpec.of(property, declared, actual, writer);
	}

	private static FieldSpec<ObjectStoreDeclaration, StreamConfiguration, StreamConfiguration.Builder> os(
			String property, Function<ObjectStoreDeclaration, Object> declared,
			Function<StreamConfiguration, Object> actual,
			BiConsumer<StreamConfiguration.Builder, ObjectStoreDeclaration> writer) {
		return FieldSpec.of(property, declared, actual, writer);
	}

	/**
	 * A bucket's TTL is its stream's max-age; the duplicate window may not exceed it, so it shrinks along (as the
	 * jnats bucket builders do).
	 */
	private static void ttl(StreamConfiguration.Builder builder, Duration ttl) {
		builder.maxAge(ttl);
		boolean shorter = !ttl.isZero() && ttl.compareTo(DEFAULT_DUPLICATE_WINDOW) < 0;
		builder.duplicateWindow(shorter ? ttl : DEFAULT_DUPLICATE_WINDOW);
	}

	/**
	 * A bucket's limit marker TTL is its stream's subject delete marker TTL, and only counts where the stream lets
	 * messages carry a TTL: without that, keys cannot expire one by one.
	 */
	private static Object limitMarkerTtl(StreamConfiguration configuration) {
		return configuration.getAllowMessageTtl() ? Values.duration(configuration.getSubjectDeleteMarkerTtl()) : null;
	}

	private static void compression(StreamConfiguration.Builder builder, Boolean compressed) {
		builder.compressionOption(Boolean.TRUE.equals(compressed) ? CompressionOption.S2 : CompressionOption.None);
	}

	private static Object compressed(StreamConfiguration configuration) {
		return configuration.getCompressionOption() == CompressionOption.S2;
	}

}
