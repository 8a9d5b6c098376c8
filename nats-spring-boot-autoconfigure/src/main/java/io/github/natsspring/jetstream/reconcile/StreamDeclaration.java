package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.api.CompressionOption;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;

import org.springframework.util.unit.DataSize;

/**
 * A JetStream stream as the application declares it, under {@code nats.jetstream.streams.<NAME>} or as a bean.
 * <p>
 * Every setting is optional: {@code null} means "not declared", and the reconciler compares and writes only what is
 * declared, leaving everything else as the server has it. Declare streams in code with {@link #builder(String)}.
 *
 * @param name the stream name; defaults to the map key (write keys with '_' in brackets: "[BILLING_EVENTS]")
 * @param domain the JetStream domain the stream lives in, when it is not the application's
 * ({@code nats.jetstream.domain}): for example a leaf node's own domain for a local stream that sources from the
 * hub's; its consumers and listeners go to the same domain
 * @param subjects subjects the stream captures, wildcards allowed (compared as declared, never merged)
 * @param description description of the stream
 * @param storage storage type: file or memory (cannot change later)
 * @param retention retention policy: limits, interest or work-queue
 * @param maxAge how long messages are kept; 0 keeps them forever
 * @param maxBytes how much the stream may store; -1B for no limit
 * @param maxMsgs how many messages the stream may hold; -1 for no limit
 * @param maxMsgsPerSubject how many messages the stream keeps per subject; -1 for no limit
 * @param maxMsgSize largest message the stream accepts; -1B for no limit
 * @param maxConsumers how many consumers the stream may have; -1 for no limit
 * @param replicas number of replicas in a cluster (1 to 5); a change is applied as an update (the server adds or
 * removes replicas while the stream stays available)
 * @param placement the cluster and server tags the stream's replicas are placed on; a change moves the stream
 * @param discard what happens when a limit is reached: old (drop the oldest) or new (refuse the new message)
 * @param discardNewPerSubject whether discard new applies per subject (needs discard new and max-msgs-per-subject)
 * @param duplicateWindow how long message ids are remembered for de-duplication
 * @param denyDelete whether deleting single messages is refused (cannot be switched off again)
 * @param denyPurge whether purging the stream is refused (cannot be switched off again)
 * @param allowRollup whether rollup headers may replace a subject's messages
 * @param allowDirect whether direct get requests are answered by any replica
 * @param compression storage compression: none or s2
 * @param firstSequence sequence number of the first message of a new stream
 * @param subjectTransform transform applied to subjects of incoming messages
 * @param republish subjects stored messages are republished to
 * @param mirror the stream this stream mirrors (cannot change later)
 * @param sources streams this stream sources messages from
 * @param metadata user metadata; only the declared keys are compared and written (keys others set on the server
 * stay), and keys starting with "_nats." belong to the server and are ignored
 * @param allowMsgTtl whether messages may carry their own TTL (needs nats-server 2.11; cannot be switched off)
 * @param subjectDeleteMarkerTtl how long delete markers left by max-age stay (needs nats-server 2.11)
 * @param allowMsgCounter whether the stream is a counter stream (needs nats-server 2.12; cannot change later)
 * @param allowAtomicPublish whether atomic batch publish is allowed (needs nats-server 2.12)
 * @param allowMsgSchedules whether scheduled messages are allowed (needs nats-server 2.12; cannot be switched off)
 * @param consumers durable consumers of this stream, by durable name
 */
public record StreamDeclaration(String name, String domain, List<String> subjects, String description, StorageType storage,
		RetentionPolicy retention, Duration maxAge, DataSize maxBytes, Long maxMsgs, Long maxMsgsPerSubject,
		DataSize maxMsgSize, Long maxConsumers, Integer replicas, PlacementDeclaration placement, DiscardPolicy discard, Boolean discardNewPerSubject,
		Duration duplicateWindow, Boolean denyDelete, Boolean denyPurge, Boolean allowRollup, Boolean allowDirect,
		CompressionOption compression, Long firstSequence, SubjectTransformDeclaration subjectTransform,
		RepublishDeclaration republish, SourceDeclaration mirror, List<SourceDeclaration> sources,
		Map<String, String> metadata, Boolean allowMsgTtl, Duration subjectDeleteMarkerTtl, Boolean allowMsgCounter,
		Boolean allowAtomicPublish, Boolean allowMsgSchedules, Map<String, ConsumerDeclaration> consumers) {

	public StreamDeclaration {
		subjects = (subjects != null) ? List.copyOf(subjects) : null;
		sources = (sources != null) ? List.copyOf(sources) : null;
		metadata = (metadata != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(metadata)) : null;
		consumers = (consumers != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(consumers)) : Map.of();
	}

	/**
	 * Starts a declaration in code.
	 * @param name the stream name
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder().name(name);
	}

	/**
	 * Builds a declaration in code; unset settings stay undeclared.
	 */
	public static final class Builder {

		private String name;

		private String domain;

		private List<String> subjects;

		private String description;

		private StorageType storage;

		private RetentionPolicy retention;

		private Duration maxAge;

		private DataSize maxBytes;

		private Long maxMsgs;

		private Long maxMsgsPerSubject;

		private DataSize maxMsgSize;

		private Long maxConsumers;

		private Integer replicas;

		private PlacementDeclaration placement;

		private DiscardPolicy discard;

		private Boolean discardNewPerSubject;

		private Duration duplicateWindow;

		private Boolean denyDelete;

		private Boolean denyPurge;

		private Boolean allowRollup;

		private Boolean allowDirect;

		private CompressionOption compression;

		private Long firstSequence;

		private SubjectTransformDeclaration subjectTransform;

		private RepublishDeclaration republish;

		private SourceDeclaration mirror;

		private List<SourceDeclaration> sources;

		private Map<String, String> metadata;

		private Boolean allowMsgTtl;

		private Duration subjectDeleteMarkerTtl;

		private Boolean allowMsgCounter;

		private Boolean allowAtomicPublish;

		private Boolean allowMsgSchedules;

		private final Map<String, ConsumerDeclaration> consumers = new LinkedHashMap<>();

		private Builder() {
		}

		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/**
		 * The JetStream domain of the stream, when it is not the application's.
		 * @param domain the domain
		 * @return this builder
		 */
		public Builder domain(String domain) {
			this.domain = domain;
			return this;
		}

		public Builder subjects(String... subjects) {
			this.subjects = Arrays.asList(subjects);
			return this;
		}

		public Builder subjects(List<String> subjects) {
			this.subjects = subjects;
			return this;
		}

		public Builder description(String description) {
			this.description = description;
			return this;
		}

		public Builder storage(StorageType storage) {
			this.storage = storage;
			return this;
		}

		public Builder retention(RetentionPolicy retention) {
			this.retention = retention;
			return this;
		}

		public Builder maxAge(Duration maxAge) {
			this.maxAge = maxAge;
			return this;
		}

		public Builder maxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
			return this;
		}

		public Builder maxMsgs(long maxMsgs) {
			this.maxMsgs = maxMsgs;
			return this;
		}

		public Builder maxMsgsPerSubject(long maxMsgsPerSubject) {
			this.maxMsgsPerSubject = maxMsgsPerSubject;
			return this;
		}

		public Builder maxMsgSize(DataSize maxMsgSize) {
			this.maxMsgSize = maxMsgSize;
			return this;
		}

		public Builder maxConsumers(long maxConsumers) {
			this.maxConsumers = maxConsumers;
			return this;
		}

		public Builder replicas(int replicas) {
			this.replicas = replicas;
			return this;
		}

		public Builder placement(PlacementDeclaration placement) {
			this.placement = placement;
			return this;
		}

		public Builder discard(DiscardPolicy discard) {
			this.discard = discard;
			return this;
		}

		public Builder discardNewPerSubject(boolean discardNewPerSubject) {
			this.discardNewPerSubject = discardNewPerSubject;
			return this;
		}

		public Builder duplicateWindow(Duration duplicateWindow) {
			this.duplicateWindow = duplicateWindow;
			return this;
		}

		public Builder denyDelete(boolean denyDelete) {
			this.denyDelete = denyDelete;
			return this;
		}

		public Builder denyPurge(boolean denyPurge) {
			this.denyPurge = denyPurge;
			return this;
		}

		public Builder allowRollup(boolean allowRollup) {
			this.allowRollup = allowRollup;
			return this;
		}

		public Builder allowDirect(boolean allowDirect) {
			this.allowDirect = allowDirect;
			return this;
		}

		public Builder compression(CompressionOption compression) {
			this.compression = compression;
			return this;
		}

		public Builder firstSequence(long firstSequence) {
			this.firstSequence = firstSequence;
			return this;
		}

		public Builder subjectTransform(SubjectTransformDeclaration subjectTransform) {
			this.subjectTransform = subjectTransform;
			return this;
		}

		public Builder republish(RepublishDeclaration republish) {
			this.republish = republish;
			return this;
		}

		public Builder mirror(SourceDeclaration mirror) {
			this.mirror = mirror;
			return this;
		}

		public Builder sources(SourceDeclaration... sources) {
			this.sources = Arrays.asList(sources);
			return this;
		}

		public Builder metadata(Map<String, String> metadata) {
			this.metadata = metadata;
			return this;
		}

		public Builder allowMsgTtl(boolean allowMsgTtl) {
			this.allowMsgTtl = allowMsgTtl;
			return this;
		}

		public Builder subjectDeleteMarkerTtl(Duration subjectDeleteMarkerTtl) {
			this.subjectDeleteMarkerTtl = subjectDeleteMarkerTtl;
			return this;
		}

		public Builder allowMsgCounter(boolean allowMsgCounter) {
			this.allowMsgCounter = allowMsgCounter;
			return this;
		}

		public Builder allowAtomicPublish(boolean allowAtomicPublish) {
			this.allowAtomicPublish = allowAtomicPublish;
			return this;
		}

		public Builder allowMsgSchedules(boolean allowMsgSchedules) {
			this.allowMsgSchedules = allowMsgSchedules;
			return this;
		}

		/**
		 * Adds a durable consumer of this stream.
		 * @param consumer the consumer, with its name set
		 * @return this builder
		 */
		public Builder consumer(ConsumerDeclaration consumer) {
			if (consumer.name() == null) {
				throw new IllegalArgumentException("A consumer added to a stream in code needs a name");
			}
			this.consumers.put(consumer.name(), consumer);
			return this;
		}

		public StreamDeclaration build() {
			return new StreamDeclaration(this.name, this.domain, this.subjects, this.description, this.storage, this.retention,
					this.maxAge, this.maxBytes, this.maxMsgs, this.maxMsgsPerSubject, this.maxMsgSize,
					this.maxConsumers, this.replicas, this.placement, this.discard, this.discardNewPerSubject, this.duplicateWindow,
					this.denyDelete, this.denyPurge, this.allowRollup, this.allowDirect, this.compression,
					this.firstSequence, this.subjectTransform, this.republish, this.mirror,
					(this.sources != null) ? new ArrayList<>(this.sources) : null, this.metadata, this.allowMsgTtl,
					this.subjectDeleteMarkerTtl, this.allowMsgCounter, this.allowAtomicPublish, this.allowMsgSchedules,
					this.consumers);
		}

	}

}
