package io.github.natsspring.jetstream.listener;

import java.time.Instant;

import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;

import io.github.natsspring.listener.ProvidedArgument;

/**
 * Where a JetStream message comes from and how often it has been delivered; a {@code @JetStreamListener} method
 * receives it by declaring a parameter of this type.
 *
 * @param stream the stream
 * @param consumer the consumer that delivered it
 * @param subject the subject it was published to
 * @param streamSequence its sequence in the stream
 * @param consumerSequence the consumer's delivery sequence
 * @param deliveredCount how many times it has been delivered, 1 on the first delivery
 * @param pending how many more messages the consumer had pending when this one was delivered
 * @param timestamp when the stream stored it
 */
@ProvidedArgument
public record JetStreamMetadata(String stream, String consumer, String subject, long streamSequence,
		long consumerSequence, long deliveredCount, long pending, Instant timestamp) {

	/**
	 * Reads the metadata of a JetStream message.
	 * @param message the message
	 * @return the metadata
	 */
	public static JetStreamMetadata of(Message message) {
		NatsJetStreamMetaData meta = message.metaData();
		return new JetStreamMetadata(meta.getStream(), meta.getConsumer(), message.getSubject(),
				meta.streamSequence(), meta.consumerSequence(), meta.deliveredCount(), meta.pendingCount(),
				(meta.timestamp() != null) ? meta.timestamp().toInstant() : null);
	}

	/**
	 * Whether this is a redelivery.
	 * @return {@code true} if delivered before
	 */
	public boolean isRedelivered() {
		return this.deliveredCount > 1;
	}

}
