package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import io.github.natsspring.core.NatsHeaders;

/**
 * Stores a message that cannot be handled in the dead-letter subject: the original payload and headers, plus the
 * {@link DeadLetterHeaders}, published with JetStream and acknowledged by the stream that captures the subject.
 * <p>
 * The original's {@code Nats-*} headers are publish controls (message id, expectations, TTL, rollup, batch); they
 * would make the dead letter fail or behave differently, so they are not copied. The dead letter gets its own
 * {@code Nats-Msg-Id}, derived from stream, consumer and sequence, so that storing the same dead letter twice (after
 * a lost acknowledgement) keeps one copy.
 * <p>
 * It is published with jnats directly, not through {@code JetStreamOperations}: the template converts payloads and
 * writes the envelope — it would replace the original's {@code Message-Id} with the dead letter's id and add a
 * {@code Correlation-Id} — and takes single-valued headers, while a dead letter is the original message as it was.
 */
final class DeadLetter {

	private static final int MAX_TEXT = 500;

	private final String subject;

	private final JetStreamOptions options;

	DeadLetter(String subject, Duration timeout) {
		this.subject = subject;
		this.options = JetStreamOptions.builder().requestTimeout(timeout).build();
	}

	String getSubject() {
		return this.subject;
	}

	/**
	 * Publishes the dead letter and waits for the storage acknowledgement.
	 * @param connection the connection
	 * @param original the message that failed
	 * @param source stream, consumer and sequence of the original
	 * @param listenerId the listener
	 * @param failure the last attempt's exception, or {@code null}
	 * @param reason why it is dead-lettered
	 * @return the acknowledgement
	 * @throws IOException if no acknowledgement came (no stream, timeout)
	 * @throws JetStreamApiException if the stream refused the message
	 * @throws RuntimeException if it could not be sent (connection closed, too large)
	 */
	PublishAck publish(Connection connection, Message original, Source source, String listenerId,
			Throwable failure, String reason) throws IOException, JetStreamApiException {
		Headers headers = new Headers();
		if (original.hasHeaders()) {
			Headers originalHeaders = original.getHeaders();
			for (String key : originalHeaders.keySet()) {
				if (key.regionMatches(true, 0, "Nats-", 0, 5)) {
					continue;
				}
				List<String> values = originalHeaders.get(key);
				if (values != null && !values.isEmpty()) {
					headers.put(key, values);
				}
			}
			String originalId = originalHeaders.getFirst(NatsHeaders.NATS_MSG_ID);
			if (originalId != null) {
				headers.put(DeadLetterHeaders.ORIGINAL_MSG_ID, ascii(originalId));
			}
		}
		headers.put(DeadLetterHeaders.STREAM, source.stream());
		headers.put(DeadLetterHeaders.CONSUMER, ascii(source.consumer()));
		headers.put(DeadLetterHeaders.SUBJECT, original.getSubject());
		headers.put(DeadLetterHeaders.STREAM_SEQUENCE, Long.toString(source.streamSequence()));
		headers.put(DeadLetterHeaders.DELIVERY_COUNT, Long.toString(source.deliveredCount()));
		headers.put(DeadLetterHeaders.REASON, reason);
		headers.put(DeadLetterHeaders.LISTENER, ascii(listenerId));
		headers.put(DeadLetterHeaders.TIME, Instant.now().toString());
		if (failure != null) {
			headers.put(DeadLetterHeaders.EXCEPTION, failure.getClass().getName());
			if (failure.getMessage() != null) {
				headers.put(DeadLetterHeaders.EXCEPTION_MESSAGE, ascii(failure.getMessage()));
			}
		}
		headers.put(NatsHeaders.NATS_MSG_ID,
				ascii("dlq." + source.stream() + "." + source.consumer() + "." + source.streamSequence()));
		byte[] data = (original.getData() != null) ? original.getData() : new byte[0];
		Message deadLetter = NatsMessage.builder().subject(this.subject).headers(headers).data(data).build();
		return connection.jetStream(this.options).publish(deadLetter);
	}

	/**
	 * Header values are US-ASCII without line breaks: anything else becomes '?' or a space, and long texts are cut.
	 */
	static String ascii(String text) {
		StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT));
		for (int i = 0; i < text.length() && out.length() < MAX_TEXT; i++) {
			char c = text.charAt(i);
			if (c == '\r' || c == '\n' || c == '\t') {
				out.append(' ');
			}
			else if (c < 32 || c > 126) {
				out.append('?');
			}
			else {
				out.append(c);
			}
		}
		if (text.length() > MAX_TEXT) {
			out.append("...");
		}
		return out.toString();
	}

	/**
	 * The default dead-letter subject of a consumer.
	 * @param prefix the subject prefix
	 * @param stream the stream
	 * @param consumer the consumer (or, for ordered consumers, the listener id)
	 * @return {@code <prefix>.<stream>.<consumer>} with characters that cannot appear in a subject token replaced
	 */
	static String defaultSubject(String prefix, String stream, String consumer) {
		return prefix + "." + token(stream) + "." + token(consumer);
	}

	private static String token(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (char c : text.toCharArray()) {
			out.append((c == '.' || c == '*' || c == '>' || Character.isWhitespace(c)) ? '_' : c);
		}
		return out.toString();
	}

	/**
	 * Where a message came from.
	 *
	 * @param stream the stream
	 * @param consumer the consumer (or the listener id)
	 * @param streamSequence the stream sequence
	 * @param deliveredCount how often it was delivered
	 */
	record Source(String stream, String consumer, long streamSequence, long deliveredCount) {

	}

}
