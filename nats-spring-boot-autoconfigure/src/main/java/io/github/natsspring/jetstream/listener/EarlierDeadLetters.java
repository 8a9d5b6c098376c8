package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.impl.Headers;

/**
 * The dead letters an ordered listener stored on earlier runs. An ordered listener replays its stream from the start
 * on every start, and a poison message fails again on every replay; the dead-letter stream's duplicate window (two
 * minutes by default) only catches a dead letter stored twice within it. So at startup the listener reads the
 * headers of its dead-letter subject once (stream, sequence, listener and time of each dead letter), and on the
 * replay does not dead-letter again a message that already was: same stream and sequence, stored before that dead
 * letter was written (so a recreated stream's new message with a reused sequence still counts as new).
 */
final class EarlierDeadLetters {

	static final EarlierDeadLetters NONE = new EarlierDeadLetters(Map.of());

	private static final int NO_MESSAGE_FOUND = 10037;

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

	private final Map<Long, Instant> bySequence;

	private EarlierDeadLetters(Map<Long, Instant> bySequence) {
		this.bySequence = bySequence;
	}

	/**
	 * Reads the dead letters of one listener from its dead-letter subject.
	 * @param connection the connection
	 * @param options the JetStream the dead-letter stream is in (the application's)
	 * @param subject the dead-letter subject
	 * @param stream the stream the listener replays
	 * @param listenerId the listener id, as dead letters name it
	 * @return what was found
	 * @throws IOException if the server could not be asked
	 * @throws JetStreamApiException if the server refused
	 * @throws InterruptedException if interrupted while reading
	 * @throws JetStreamStatusCheckedException if the read ended with an error status
	 */
	static EarlierDeadLetters read(Connection connection, JetStreamOptions options, String subject, String stream,
			String listenerId) throws IOException, JetStreamApiException, InterruptedException,
			JetStreamStatusCheckedException {
		JetStreamManagement jsm = connection.jetStreamManagement(options);
		List<String> streams = jsm.getStreamNames(subject);
		if (streams.isEmpty()) {
			return NONE;
		}
		String deadLetterStream = streams.get(0);
		MessageInfo last;
		try {
			last = jsm.getLastMessage(deadLetterStream, subject);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NO_MESSAGE_FOUND) {
				return NONE;
			}
			throw ex;
		}
		String listener = DeadLetter.ascii(listenerId);
		Map<Long, Instant> found = new HashMap<>();
		OrderedConsumerConfiguration configuration = new OrderedConsumerConfiguration().filterSubject(subject)
			.headersOnly(true);
		IterableConsumer letters = connection.getStreamContext(deadLetterStream, options)
			.createOrderedConsumer(configuration)
			.iterate();
		try {
			while (true) {
				Message letter = letters.nextMessage(READ_TIMEOUT);
				if (letter == null) {
					break;
				}
				remember(letter.getHeaders(), stream, listener, found);
				if (letter.metaData().streamSequence() >= last.getSeq()) {
					break;
				}
			}
		}
		finally {
			try {
				letters.close();
			}
			catch (Exception ex) {
				// nothing left to read
			}
		}
		return found.isEmpty() ? NONE : new EarlierDeadLetters(found);
	}

	private static void remember(Headers headers, String stream, String listener, Map<Long, Instant> found) {
		if (headers == null || !stream.equals(headers.getFirst(DeadLetterHeaders.STREAM))
				|| !listener.equals(headers.getFirst(DeadLetterHeaders.LISTENER))) {
			return;
		}
		try {
			long sequence = Long.parseLong(headers.getFirst(DeadLetterHeaders.STREAM_SEQUENCE));
			Instant time = Instant.parse(headers.getFirst(DeadLetterHeaders.TIME));
			found.merge(sequence, time, (a, b) -> a.isAfter(b) ? a : b);
		}
		catch (NumberFormatException | DateTimeParseException | NullPointerException ex) {
			// not one of ours
		}
	}

	int size() {
		return this.bySequence.size();
	}

	/**
	 * When this message was dead-lettered on an earlier run.
	 * @param metadata the message
	 * @return the time of its dead letter, or {@code null} if it has none
	 */
	Instant deadLetteredAt(JetStreamMetadata metadata) {
		Instant time = this.bySequence.get(metadata.streamSequence());
		if (time == null || (metadata.timestamp() != null && metadata.timestamp().isAfter(time))) {
			return null;
		}
		return time;
	}

}
