package io.github.natsspring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nats.client.api.StorageType;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Defaults of {@code @JetStreamListener} methods, prefix {@code nats.jetstream.listener}. Attributes of the annotation
 * win over these.
 */
@ConfigurationProperties("nats.jetstream.listener")
public class NatsJetStreamListenerProperties {

	/**
	 * How many times a listener method is called for one message at most before it is dead-lettered.
	 */
	private int maxDeliver = 5;

	/**
	 * Delays before a failed message is delivered again, by delivery count (the last repeats), when neither the
	 * annotation nor the consumer's backoff gives them.
	 */
	private List<Duration> nakDelay = new ArrayList<>(
			List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30)));

	/**
	 * How many messages one pull asks for (and the client holds at most). Unset: 100, or twice the listener's
	 * concurrency when that is more, growing up to 500 while handlers settle that many within half a second. Lowered
	 * to the consumer's max-batch.
	 */
	private Integer batchSize;

	/**
	 * Most bytes one pull asks for; unset for no limit by size. Must exceed the largest message. Lowered to the
	 * consumer's max-bytes.
	 */
	private DataSize maxBytes;

	/**
	 * How long one pull request stays open at the server; a pull lost with the server is replaced after this plus a
	 * grace period. Lowered to the consumer's max-expires.
	 */
	private Duration expires = Duration.ofSeconds(5);

	/**
	 * How often each listener reads its consumer's state from the server (pending counts for health and gauges,
	 * detection of a deleted consumer).
	 */
	private Duration consumerInfoInterval = Duration.ofSeconds(5);

	/**
	 * How long a listener may handle no message while work waits for it — messages stored for its consumer, or
	 * received and not handled — with no handler still working within max-in-progress, before it counts as stalled:
	 * it warns with the consumer's state from the server, its health goes DOWN, and it pulls again on a new
	 * subscription.
	 */
	private Duration stallTimeout = Duration.ofMinutes(2);

	/**
	 * How long a received message is kept in progress at most, from its receipt: while it waits in the client for a
	 * worker and while its handler runs (or its CompletionStage has not completed), the listener tells the server it
	 * is still being worked on. After this time it stops (logging a warning), stops waiting for an asynchronous
	 * result, and the server delivers the message again once the ack wait passed. Set it above the longest handling
	 * time you expect.
	 */
	private Duration maxInProgress = Duration.ofMinutes(10);

	private final DeadLetter deadLetter = new DeadLetter();

	private final Dedupe dedupe = new Dedupe();

	public int getMaxDeliver() {
		return this.maxDeliver;
	}

	public void setMaxDeliver(int maxDeliver) {
		this.maxDeliver = maxDeliver;
	}

	public List<Duration> getNakDelay() {
		return this.nakDelay;
	}

	public void setNakDelay(List<Duration> nakDelay) {
		this.nakDelay = nakDelay;
	}

	public Integer getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(Integer batchSize) {
		this.batchSize = batchSize;
	}

	public DataSize getMaxBytes() {
		return this.maxBytes;
	}

	public void setMaxBytes(DataSize maxBytes) {
		this.maxBytes = maxBytes;
	}

	public Duration getExpires() {
		return this.expires;
	}

	public void setExpires(Duration expires) {
		this.expires = expires;
	}

	public Duration getConsumerInfoInterval() {
		return this.consumerInfoInterval;
	}

	public void setConsumerInfoInterval(Duration consumerInfoInterval) {
		this.consumerInfoInterval = consumerInfoInterval;
	}

	public Duration getStallTimeout() {
		return this.stallTimeout;
	}

	public void setStallTimeout(Duration stallTimeout) {
		this.stallTimeout = stallTimeout;
	}

	public Duration getMaxInProgress() {
		return this.maxInProgress;
	}

	public void setMaxInProgress(Duration maxInProgress) {
		this.maxInProgress = maxInProgress;
	}

	public DeadLetter getDeadLetter() {
		return this.deadLetter;
	}

	public Dedupe getDedupe() {
		return this.dedupe;
	}

	/**
	 * Where messages go that cannot be handled.
	 */
	public static class DeadLetter {

		/**
		 * Whether failed messages are dead-lettered; otherwise they are terminated and logged.
		 */
		private boolean enabled = true;

		/**
		 * Prefix of the default dead-letter subjects, {@code <prefix>.<stream>.<consumer>}.
		 */
		private String subjectPrefix = "dlq";

		/**
		 * Whether to declare the stream that captures the default dead-letter subjects.
		 */
		private boolean declareStream = true;

		/**
		 * Name of the dead-letter stream.
		 */
		private String stream = "DLQ";

		/**
		 * Storage of the dead-letter stream.
		 */
		private StorageType storage = StorageType.File;

		/**
		 * How long dead letters are kept; unset keeps them until removed.
		 */
		private Duration maxAge;

		/**
		 * Number of replicas of the dead-letter stream in a cluster; unset for the server's default.
		 */
		private Integer replicas;

		/**
		 * How long publishing a dead letter may wait for the server's acknowledgement.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getSubjectPrefix() {
			return this.subjectPrefix;
		}

		public void setSubjectPrefix(String subjectPrefix) {
			this.subjectPrefix = subjectPrefix;
		}

		public boolean isDeclareStream() {
			return this.declareStream;
		}

		public void setDeclareStream(boolean declareStream) {
			this.declareStream = declareStream;
		}

		public String getStream() {
			return this.stream;
		}

		public void setStream(String stream) {
			this.stream = stream;
		}

		public StorageType getStorage() {
			return this.storage;
		}

		public void setStorage(StorageType storage) {
			this.storage = storage;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public Integer getReplicas() {
			return this.replicas;
		}

		public void setReplicas(Integer replicas) {
			this.replicas = replicas;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * De-duplication of handled messages ({@code @JetStreamListener(dedupe = ...)}).
	 */
	public static class Dedupe {

		/**
		 * Key-value bucket that remembers handled messages; created when missing (also again while running) unless
		 * nats.jetstream.reconcile.mode is validate or off.
		 */
		private String bucket = "nats-listener-dedupe";

		/**
		 * How long a handled message is remembered; longer than a message can take to come again.
		 */
		private Duration ttl = Duration.ofHours(24);

		/**
		 * Storage of the bucket.
		 */
		private StorageType storage = StorageType.File;

		public String getBucket() {
			return this.bucket;
		}

		public void setBucket(String bucket) {
			this.bucket = bucket;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public StorageType getStorage() {
			return this.storage;
		}

		public void setStorage(StorageType storage) {
			this.storage = storage;
		}

	}

}
