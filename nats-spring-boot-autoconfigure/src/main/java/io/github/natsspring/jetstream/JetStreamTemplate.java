package io.github.natsspring.jetstream;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.NatsJetStreamConstants;
import io.nats.client.support.NatsRequestCompletableFuture;

import io.github.natsspring.core.NatsException;
import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.core.NatsPayloadTooLargeException;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.core.OutgoingHeaders;
import io.github.natsspring.core.Subjects;

/**
 * Publishes to JetStream streams and returns the storage acknowledgement. Thread-safe; one instance serves the
 * whole application.
 * <p>
 * A publish is a request to the stream that captures the subject; the reply is the acknowledgement (stream,
 * sequence, duplicate flag) or the server's refusal with its JetStream error code. "No stream captures the subject"
 * is recognised by the server's no-responders status, never by message text.
 */
public class JetStreamTemplate implements JetStreamOperations {

	private final Supplier<Connection> connection;

	private final NatsMessageConverter converter;

	private final Duration timeout;

	private final int maxInFlight;

	private final Semaphore inFlight;

	/**
	 * Creates a template.
	 * @param connection supplies the connection (throwing when there is none)
	 * @param converter the payload converter
	 * @param timeout how long to wait for an acknowledgement (and for an async slot)
	 * @param maxInFlight how many async publishes may await their acknowledgement at once
	 */
	public JetStreamTemplate(Supplier<Connection> connection, NatsMessageConverter converter, Duration timeout,
			int maxInFlight) {
		this.connection = connection;
		this.converter = converter;
		this.timeout = timeout;
		this.maxInFlight = maxInFlight;
		this.inFlight = new Semaphore(maxInFlight);
	}

	@Override
	public PublishResult publish(String subject, Object payload) {
		return publish(subject, payload, Map.of(), null);
	}

	@Override
	public PublishResult publish(String subject, Object payload, Map<String, String> headers) {
		return publish(subject, payload, headers, null);
	}

	@Override
	public PublishResult publish(String subject, Object payload, PublishOptions options) {
		return publish(subject, payload, Map.of(), options);
	}

	@Override
	public PublishResult publish(String subject, Object payload, Map<String, String> headers,
			PublishOptions options) {
		Message message = createMessage(subject, payload, headers, options);
		Duration wait = timeout(options);
		CompletableFuture<Message> reply = send(message, wait);
		Message ack;
		try {
			// jnats itself notices the timeout only at its next request cleanup, so wait just as long as asked
			ack = reply.get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new JetStreamPublishException(subject, "Interrupted while waiting for the acknowledgement", -1, ex);
		}
		catch (ExecutionException | CancellationException | TimeoutException ex) {
			throw translate(subject, reply, ex, wait);
		}
		return readAck(subject, message, ack);
	}

	@Override
	public CompletableFuture<PublishResult> publishAsync(String subject, Object payload) {
		return publishAsync(subject, payload, Map.of(), null);
	}

	@Override
	public CompletableFuture<PublishResult> publishAsync(String subject, Object payload, Map<String, String> headers,
			PublishOptions options) {
		Message message;
		Duration wait = timeout(options);
		try {
			message = createMessage(subject, payload, headers, options);
			if (!this.inFlight.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
				return CompletableFuture.failedFuture(new JetStreamPublishException(subject, "Still " + this.maxInFlight
						+ " publishes awaiting acknowledgement after " + wait
						+ " (nats.jetstream.publish.max-in-flight); the server does not keep up", -1, null));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(
					new JetStreamPublishException(subject, "Interrupted while waiting to publish", -1, ex));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<Message> reply;
		try {
			reply = send(message, wait);
		}
		catch (RuntimeException ex) {
			this.inFlight.release();
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<PublishResult> result = new CompletableFuture<>();
		// jnats times the request out itself (checked every request-cleanup interval); a timer per publish costs
		// a tenth of the async throughput
		reply.whenComplete((ack, failure) -> {
			this.inFlight.release();
			try {
				if (failure != null) {
					result.completeExceptionally(translate(subject, reply, failure, wait));
				}
				else {
					result.complete(readAck(subject, message, ack));
				}
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	private CompletableFuture<Message> send(Message message, Duration wait) {
		Connection current = this.connection.get();
		long maxPayload = current.getMaxPayload();
		long size = message.getData().length + (message.hasHeaders() ? message.getHeaders().serializedLength() : 0);
		if (maxPayload > 0 && size > maxPayload) {
			throw new NatsPayloadTooLargeException(message.getSubject(), size, maxPayload);
		}
		return current.requestWithTimeout(message, wait);
	}

	private Message createMessage(String subject, Object payload, Map<String, String> headers,
			PublishOptions options) {
		Subjects.validatePublishSubject(subject);
		OutgoingHeaders natsHeaders = new OutgoingHeaders();
		headers.forEach(natsHeaders::put);
		byte[] data = this.converter.toPayload(payload, natsHeaders);
		if (options != null) {
			addExpectations(natsHeaders, options);
		}
		String messageId = natsHeaders.getFirst(NatsHeaders.NATS_MSG_ID);
		if (messageId != null) {
			// one id for both: de-duplication by the server and the envelope consumers see
			natsHeaders.put(NatsHeaders.MESSAGE_ID, messageId);
		}
		NatsTemplate.addEnvelope(natsHeaders);
		return NatsMessage.builder().subject(subject).headers(natsHeaders.seal()).data(data).build();
	}

	private static void addExpectations(Headers headers, PublishOptions options) {
		putIfSet(headers, NatsJetStreamConstants.MSG_ID_HDR, options.getMessageId());
		putIfSet(headers, NatsJetStreamConstants.EXPECTED_STREAM_HDR, options.getExpectedStream());
		putIfSet(headers, NatsJetStreamConstants.EXPECTED_LAST_MSG_ID_HDR, options.getExpectedLastMsgId());
		if (options.getExpectedLastSequence() > -1) {
			headers.put(NatsJetStreamConstants.EXPECTED_LAST_SEQ_HDR, Long.toString(options.getExpectedLastSequence()));
		}
		if (options.getExpectedLastSubjectSequence() > -1) {
			headers.put(NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_HDR,
					Long.toString(options.getExpectedLastSubjectSequence()));
		}
		putIfSet(headers, NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_SUB_HDR,
				options.getExpectedLastSubjectSequenceSubject());
		putIfSet(headers, NatsJetStreamConstants.MSG_TTL_HDR, options.getMessageTtl());
	}

	private static void putIfSet(Headers headers, String name, String value) {
		if (value != null && !value.isEmpty()) {
			headers.put(name, value);
		}
	}

	private Duration timeout(PublishOptions options) {
		return (options != null && options.getStreamTimeout() != null) ? options.getStreamTimeout() : this.timeout;
	}

	private static PublishResult readAck(String subject, Message sent, Message reply) {
		if (reply.isStatusMessage() && reply.getStatus().getCode() == 503) {
			throw new JetStreamNoStreamException(subject);
		}
		try {
			PublishAck ack = new PublishAck(reply);
			return new PublishResult(ack.getStream(), ack.getSeqno(), ack.isDuplicate(),
					sent.getHeaders().getFirst(NatsHeaders.NATS_MSG_ID), ack.getDomain());
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == JetStreamWrongSequenceException.WRONG_LAST_SEQUENCE) {
				throw new JetStreamWrongSequenceException(subject, ex.getErrorDescription(), ex);
			}
			throw new JetStreamPublishException(subject, "Publish to '" + subject + "' refused: "
					+ ex.getErrorDescription() + " (JetStream error " + ex.getApiErrorCode() + ")",
					ex.getApiErrorCode(), ex);
		}
		catch (IOException ex) {
			throw new JetStreamPublishException(subject, "Unreadable acknowledgement for '" + subject + "': "
					+ ex.getMessage(), -1, ex);
		}
	}

	/**
	 * Tells a missing stream from a timeout by the request's own signals: the no-responders status (reported as an
	 * exception with {@code reportNoResponders}, as a cancellation without it) and the future's timeout flag.
	 */
	private static RuntimeException translate(String subject, CompletableFuture<Message> reply, Throwable failure,
			Duration wait) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof JetStreamStatusException status && status.getStatus() != null
				&& status.getStatus().getCode() == 503) {
			return new JetStreamNoStreamException(subject);
		}
		if (cause instanceof CancellationException && reply instanceof NatsRequestCompletableFuture request
				&& !request.wasCancelledTimedOut()) {
			return request.wasCancelledClosing()
					? new JetStreamPublishException(subject, "The connection closed before '" + subject
							+ "' was acknowledged", -1, cause)
					: new JetStreamNoStreamException(subject);
		}
		if (cause instanceof TimeoutException || cause instanceof CancellationException) {
			return new JetStreamAckTimeoutException(subject, wait, cause);
		}
		if (cause instanceof NatsException natsException) {
			return natsException;
		}
		return new JetStreamPublishException(subject, "Publish to '" + subject + "' failed: " + cause.getMessage(), -1,
				cause);
	}

	/**
	 * How many async publishes await their acknowledgement right now.
	 * @return at most {@link #getMaxInFlight()}
	 */
	public int getInFlight() {
		return this.maxInFlight - this.inFlight.availablePermits();
	}

	public int getMaxInFlight() {
		return this.maxInFlight;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public NatsMessageConverter getMessageConverter() {
		return this.converter;
	}

}
