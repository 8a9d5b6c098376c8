package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.api.AckPolicy;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PriorityPolicy;
import io.nats.client.api.ReplayPolicy;

import org.springframework.util.unit.DataSize;

/**
 * A durable pull consumer as the application declares it, under
 * {@code nats.jetstream.streams.<STREAM>.consumers.<DURABLE>}, inside a stream bean, or in code through
 * {@link JetStreamReconciler#ensureConsumer(String, ConsumerDeclaration)}.
 * <p>
 * Every setting is optional: {@code null} means "not declared" and is left as the server has it.
 *
 * @param name the durable name; defaults to the map key
 * @param description description of the consumer
 * @param filterSubjects subjects of the stream this consumer receives; more than one needs nats-server 2.10
 * @param deliverPolicy where delivery starts: all, last, new, by-start-sequence, by-start-time, last-per-subject
 * (cannot change later)
 * @param startSequence the first sequence delivered, with deliver-policy by-start-sequence (cannot change later)
 * @param startTime the time delivery starts at, with deliver-policy by-start-time (cannot change later)
 * @param ackPolicy how messages are acknowledged: explicit, all or none (cannot change later)
 * @param ackWait how long the server waits for an ack before redelivering; replaced by the first backoff step
 * when backoff is set (a different declared value has no effect and is logged as a warning)
 * @param maxDeliver how many times a message is delivered at most; -1 for no limit
 * @param backoff redelivery delays, one per delivery attempt; needs max-deliver greater than the number of steps
 * @param maxAckPending how many messages may be unacknowledged at once; -1 for no limit
 * @param maxWaiting how many pull requests may wait at once (cannot change later)
 * @param inactiveThreshold how long the consumer may be idle before the server removes it; 0 keeps it forever
 * @param replicas number of replicas of the consumer state; 0 follows the stream
 * @param headersOnly whether only headers are delivered, without payloads
 * @param metadata user metadata; only the declared keys are compared and written (keys others set on the server
 * stay), and keys starting with "_nats." belong to the server and are ignored
 * @param replayPolicy how fast stored messages are replayed: instant or original (cannot change later)
 * @param maxBatch largest batch a pull request may ask for
 * @param maxExpires longest time a pull request may wait
 * @param maxBytes largest number of bytes a pull request may ask for
 * @param memoryStorage whether the consumer state is kept in memory only
 * @param priorityGroups priority groups of the consumer (needs nats-server 2.11)
 * @param priorityPolicy priority policy: overflow, pinned-client or prioritized (needs nats-server 2.11)
 */
public record ConsumerDeclaration(String name, String description, List<String> filterSubjects,
		DeliverPolicy deliverPolicy, Long startSequence, OffsetDateTime startTime, AckPolicy ackPolicy,
		Duration ackWait, Long maxDeliver, List<Duration> backoff, Long maxAckPending, Long maxWaiting,
		Duration inactiveThreshold, Integer replicas, Boolean headersOnly, Map<String, String> metadata,
		ReplayPolicy replayPolicy, Long maxBatch, Duration maxExpires, DataSize maxBytes, Boolean memoryStorage,
		List<String> priorityGroups, PriorityPolicy priorityPolicy) {

	public ConsumerDeclaration {
		filterSubjects = (filterSubjects != null) ? List.copyOf(filterSubjects) : null;
		backoff = (backoff != null) ? List.copyOf(backoff) : null;
		priorityGroups = (priorityGroups != null) ? List.copyOf(priorityGroups) : null;
		metadata = (metadata != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(metadata)) : null;
	}

	/**
	 * Starts a declaration in code.
	 * @param name the durable name
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

		private String description;

		private List<String> filterSubjects;

		private DeliverPolicy deliverPolicy;

		private Long startSequence;

		private OffsetDateTime startTime;

		private AckPolicy ackPolicy;

		private Duration ackWait;

		private Long maxDeliver;

		private List<Duration> backoff;

		private Long maxAckPending;

		private Long maxWaiting;

		private Duration inactiveThreshold;

		private Integer replicas;

		private Boolean headersOnly;

		private Map<String, String> metadata;

		private ReplayPolicy replayPolicy;

		private Long maxBatch;

		private Duration maxExpires;

		private DataSize maxBytes;

		private Boolean memoryStorage;

		private List<String> priorityGroups;

		private PriorityPolicy priorityPolicy;

		private Builder() {
		}

		public Builder name(String name) {
			this.name = name;
			return this;
		}

		public Builder description(String description) {
			this.description = description;
			return this;
		}

		public Builder filterSubjects(String... filterSubjects) {
			this.filterSubjects = Arrays.asList(filterSubjects);
			return this;
		}

		public Builder deliverPolicy(DeliverPolicy deliverPolicy) {
			this.deliverPolicy = deliverPolicy;
			return this;
		}

		public Builder startSequence(long startSequence) {
			this.startSequence = startSequence;
			return this;
		}

		public Builder startTime(OffsetDateTime startTime) {
			this.startTime = startTime;
			return this;
		}

		public Builder ackPolicy(AckPolicy ackPolicy) {
			this.ackPolicy = ackPolicy;
			return this;
		}

		public Builder ackWait(Duration ackWait) {
			this.ackWait = ackWait;
			return this;
		}

		public Builder maxDeliver(long maxDeliver) {
			this.maxDeliver = maxDeliver;
			return this;
		}

		public Builder backoff(Duration... backoff) {
			this.backoff = Arrays.asList(backoff);
			return this;
		}

		public Builder maxAckPending(long maxAckPending) {
			this.maxAckPending = maxAckPending;
			return this;
		}

		public Builder maxWaiting(long maxWaiting) {
			this.maxWaiting = maxWaiting;
			return this;
		}

		public Builder inactiveThreshold(Duration inactiveThreshold) {
			this.inactiveThreshold = inactiveThreshold;
			return this;
		}

		public Builder replicas(int replicas) {
			this.replicas = replicas;
			return this;
		}

		public Builder headersOnly(boolean headersOnly) {
			this.headersOnly = headersOnly;
			return this;
		}

		public Builder metadata(Map<String, String> metadata) {
			this.metadata = metadata;
			return this;
		}

		public Builder replayPolicy(ReplayPolicy replayPolicy) {
			this.replayPolicy = replayPolicy;
			return this;
		}

		public Builder maxBatch(long maxBatch) {
			this.maxBatch = maxBatch;
			return this;
		}

		public Builder maxExpires(Duration maxExpires) {
			this.maxExpires = maxExpires;
			return this;
		}

		public Builder maxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
			return this;
		}

		public Builder memoryStorage(boolean memoryStorage) {
			this.memoryStorage = memoryStorage;
			return this;
		}

		public Builder priorityGroups(String... priorityGroups) {
			this.priorityGroups = Arrays.asList(priorityGroups);
			return this;
		}

		public Builder priorityPolicy(PriorityPolicy priorityPolicy) {
			this.priorityPolicy = priorityPolicy;
			return this;
		}

		public ConsumerDeclaration build() {
			return new ConsumerDeclaration(this.name, this.description, this.filterSubjects, this.deliverPolicy,
					this.startSequence, this.startTime, this.ackPolicy, this.ackWait, this.maxDeliver, this.backoff,
					this.maxAckPending, this.maxWaiting, this.inactiveThreshold, this.replicas, this.headersOnly,
					this.metadata, this.replayPolicy, this.maxBatch, this.maxExpires, this.maxBytes,
					this.memoryStorage, this.priorityGroups, this.priorityPolicy);
		}

	}

}
