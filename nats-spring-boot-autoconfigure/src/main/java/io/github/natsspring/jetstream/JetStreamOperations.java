package io.github.natsspring.jetstream;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.nats.client.PublishOptions;

/**
 * JetStream publishing: every message is acknowledged by the stream that stored it. Payloads are converted as by
 * {@link io.github.natsspring.core.NatsTemplate}, with the same envelope headers ({@code Message-Id},
 * {@code Correlation-Id}).
 * <p>
 * {@link PublishOptions} carry the message id for de-duplication ({@code Nats-Msg-Id}; the envelope
 * {@code Message-Id} then has the same value) and the optimistic concurrency checks (expected last sequence, expected
 * last subject sequence, expected stream). The stream setting of {@code PublishOptions} is ignored.
 */
public interface JetStreamOperations {

	/**
	 * Publishes and waits for the storage acknowledgement.
	 * @param subject the subject (a stream must capture it)
	 * @param payload the payload
	 * @return the acknowledgement
	 * @throws JetStreamNoStreamException if no stream captures the subject
	 * @throws JetStreamAckTimeoutException if no acknowledgement arrived in time
	 * @throws JetStreamPublishException if the server refused the message
	 */
	PublishResult publish(String subject, Object payload);

	/**
	 * Publishes with headers and waits for the storage acknowledgement.
	 * @param subject the subject
	 * @param payload the payload
	 * @param headers extra headers
	 * @return the acknowledgement
	 */
	PublishResult publish(String subject, Object payload, Map<String, String> headers);

	/**
	 * Publishes with options and waits for the storage acknowledgement.
	 * @param subject the subject
	 * @param payload the payload
	 * @param options message id and expectations, may be {@code null}
	 * @return the acknowledgement
	 * @throws JetStreamWrongSequenceException if an expected last sequence did not match
	 */
	PublishResult publish(String subject, Object payload, PublishOptions options);

	/**
	 * Publishes with headers and options and waits for the storage acknowledgement.
	 * @param subject the subject
	 * @param payload the payload
	 * @param headers extra headers
	 * @param options message id and expectations, may be {@code null}
	 * @return the acknowledgement
	 */
	PublishResult publish(String subject, Object payload, Map<String, String> headers, PublishOptions options);

	/**
	 * Publishes without waiting. At most {@code max-in-flight} publishes are unacknowledged at once; beyond that the
	 * call waits for a slot (up to the publish timeout).
	 * @param subject the subject
	 * @param payload the payload
	 * @return completes with the acknowledgement, or exceptionally with a {@link JetStreamPublishException}
	 */
	CompletableFuture<PublishResult> publishAsync(String subject, Object payload);

	/**
	 * Publishes with headers and options without waiting.
	 * @param subject the subject
	 * @param payload the payload
	 * @param headers extra headers
	 * @param options message id and expectations, may be {@code null}
	 * @return completes with the acknowledgement, or exceptionally with a {@link JetStreamPublishException}
	 */
	CompletableFuture<PublishResult> publishAsync(String subject, Object payload, Map<String, String> headers,
			PublishOptions options);

}
