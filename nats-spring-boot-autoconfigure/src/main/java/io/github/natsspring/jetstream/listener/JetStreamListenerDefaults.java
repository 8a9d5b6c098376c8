package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.List;

import io.nats.client.api.StorageType;

import io.github.natsspring.jetstream.reconcile.StreamDeclaration;

/**
 * What {@code @JetStreamListener} methods use where their annotation says nothing ({@code nats.jetstream.listener.*}).
 *
 * @param maxDeliver how many times a method is called for one message at most
 * @param nakDelay delays before a failed message comes again, by delivery count (the last repeats)
 * @param batchSize messages per pull, 0 for the default relative to the listener's concurrency
 * ({@link #batchSize(int)})
 * @param maxBytes bytes per pull, 0 for no limit
 * @param expires how long a pull stays open at the server
 * @param consumerInfoInterval how often each listener reads its consumer's state
 * @param stallTimeout how long without activity, while messages wait, counts as stalled
 * @param maxInProgress how long a received message is kept in progress at most (then the server redelivers it)
 * @param deadLetterEnabled whether failed messages are dead-lettered
 * @param deadLetterSubjectPrefix prefix of the default dead-letter subjects
 * @param deadLetterStream the dead-letter stream to declare, or {@code null} to declare none
 * @param deadLetterTimeout how long a dead-letter publish waits for its acknowledgement
 * @param dedupeBucket the key-value bucket remembering handled messages
 * @param dedupeTtl how long handled messages are remembered
 * @param dedupeStorage storage of the de-duplication bucket
 */
public record JetStreamListenerDefaults(int maxDeliver, List<Duration> nakDelay, int batchSize, long maxBytes,
		Duration expires, Duration consumerInfoInterval, Duration stallTimeout, Duration maxInProgress,
		boolean deadLetterEnabled,
		String deadLetterSubjectPrefix, StreamDeclaration deadLetterStream, Duration deadLetterTimeout,
		String dedupeBucket, Duration dedupeTtl, StorageType dedupeStorage) {

	public JetStreamListenerDefaults {
		nakDelay = List.copyOf(nakDelay);
		if (maxDeliver < 1) {
			throw new IllegalArgumentException("nats.jetstream.listener.max-deliver must be at least 1, was " + maxDeliver);
		}
		if (nakDelay.isEmpty()) {
			throw new IllegalArgumentException("nats.jetstream.listener.nak-delay needs at least one delay");
		}
		if (batchSize < 0) {
			throw new IllegalArgumentException("nats.jetstream.listener.batch-size must be at least 1 (or 0 for the "
					+ "default), was " + batchSize);
		}
		if (maxInProgress.isNegative() || maxInProgress.isZero()) {
			throw new IllegalArgumentException("nats.jetstream.listener.max-in-progress must be positive, was "
					+ maxInProgress);
		}
		if (expires.toMillis() < 1000) {
			throw new IllegalArgumentException("nats.jetstream.listener.expires must be at least 1s, was " + expires);
		}
	}

	/**
	 * Messages per pull for a listener that sets none: {@code batch-size} when set, else 100, and at least twice
	 * the concurrency so that every worker has a message while the next pull is on its way.
	 * @param concurrency the listener's concurrency
	 * @return the batch size
	 */
	public int batchSize(int concurrency) {
		return (this.batchSize > 0) ? this.batchSize : Math.max(100, 2 * concurrency);
	}

	/**
	 * Defaults as documented, for tests and code that builds listeners without properties.
	 * @return the defaults
	 */
	public static JetStreamListenerDefaults standard() {
		return new JetStreamListenerDefaults(5, List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofSeconds(30)), 0, 0, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(2),
				Duration.ofMinutes(10), true, "dlq", StreamDeclaration.builder("DLQ").subjects("dlq.>").storage(StorageType.File).build(),
				Duration.ofSeconds(5), "nats-listener-dedupe", Duration.ofHours(24), StorageType.File);
	}

}
