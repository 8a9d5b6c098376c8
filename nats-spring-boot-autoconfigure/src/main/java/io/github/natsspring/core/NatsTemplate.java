package io.github.natsspring.core;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.core.ParameterizedTypeReference;

import io.github.natsspring.observation.NatsObservations;

/**
 * Sends core NATS messages: publish and request-reply, with payload conversion, envelope headers, subject and
 * size checks before sending, and typed exceptions. Thread-safe; one instance serves the whole application.
 */
public class NatsTemplate implements NatsOperations {

	/** Headers larger than this make the size check measure them exactly. */
	private static final int HEADER_ALLOWANCE = 8 * 1024;

	private final Supplier<Connection> connection;

	private final NatsMessageConverter converter;

	private final Duration defaultTimeout;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	/**
	 * Creates a template.
	 * @param connection supplies the connection (throwing {@link NatsNotConnectedException} when there is none)
	 * @param converter the payload converter
	 * @param defaultTimeout the timeout of requests that don't name one
	 */
	public NatsTemplate(Supplier<Connection> connection, NatsMessageConverter converter, Duration defaultTimeout) {
		this.connection = connection;
		this.converter = converter;
		this.defaultTimeout = defaultTimeout;
	}

	@Override
	public void publish(String subject, Object payload) {
		publish(subject, payload, Map.of());
	}

	/**
	 * Observes sends with this registry ({@code nats.send}); with a tracing bridge the trace context goes into the
	 * message headers.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = (observationRegistry != null) ? observationRegistry : ObservationRegistry.NOOP;
	}

	@Override
	public void publish(String subject, Object payload, Map<String, String> headers) {
		Subjects.validatePublishSubject(subject);
		OutgoingHeaders natsHeaders = toHeaders(headers);
		byte[] data = this.converter.toPayload(payload, natsHeaders);
		if (this.observationRegistry.isNoop()) {
			send(subject, natsHeaders, data);
			return;
		}
		NatsObservations.send(this.observationRegistry, natsHeaders, subject, "publish")
			.observe(() -> send(subject, natsHeaders, data));
	}

	private void send(String subject, OutgoingHeaders headers, byte[] data) {
		Message message = createMessage(subject, headers, data);
		Connection current = this.connection.get();
		checkSize(current, message);
		current.publish(message);
	}

	@Override
	public void send(Message message) {
		Subjects.validatePublishSubject(message.getSubject());
		if (hasEnvelope(message)) {
			// replies written by the listeners carry their envelope already: nothing to copy
			Connection current = this.connection.get();
			checkSize(current, message);
			current.publish(message);
			return;
		}
		Headers headers = new Headers(message.getHeaders());
		addEnvelope(headers);
		Message complete = NatsMessage.builder()
			.subject(message.getSubject())
			.replyTo(message.getReplyTo())
			.headers(headers)
			.data(message.getData())
			.build();
		Connection current = this.connection.get();
		checkSize(current, complete);
		current.publish(complete);
	}

	@Override
	public <T> T request(String subject, Object payload, Class<T> responseType) {
		return request(subject, payload, Map.of(), responseType, this.defaultTimeout);
	}

	@Override
	public <T> T request(String subject, Object payload, Class<T> responseType, Duration timeout) {
		return request(subject, payload, Map.of(), responseType, timeout);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T request(String subject, Object payload, ParameterizedTypeReference<T> responseType) {
		return (T) await(subject, sendRequest(subject, payload, Map.of(), this.defaultTimeout), responseType.getType(),
				this.defaultTimeout);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T request(String subject, Object payload, Map<String, String> headers, Class<T> responseType,
			Duration timeout) {
		return (T) await(subject, sendRequest(subject, payload, headers, timeout), responseType, timeout);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T request(String subject, Object payload, Map<String, String> headers,
			ParameterizedTypeReference<T> responseType, Duration timeout) {
		Duration wait = (timeout != null) ? timeout : this.defaultTimeout;
		return (T) await(subject, sendRequest(subject, payload, headers, wait), responseType.getType(), wait);
	}

	@Override
	public <T> CompletableFuture<T> requestAsync(String subject, Object payload, Class<T> responseType) {
		return requestAsync(subject, payload, responseType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> requestAsync(String subject, Object payload, Class<T> responseType,
			Duration timeout) {
		return requestAsyncOfType(subject, payload, Map.of(), responseType, timeout);
	}

	@Override
	public <T> CompletableFuture<T> requestAsync(String subject, Object payload, Map<String, String> headers,
			ParameterizedTypeReference<T> responseType, Duration timeout) {
		return requestAsyncOfType(subject, payload, headers, responseType.getType(), timeout);
	}

	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> requestAsyncOfType(String subject, Object payload, Map<String, String> headers,
			Type responseType, Duration requestedTimeout) {
		Duration timeout = (requestedTimeout != null) ? requestedTimeout : this.defaultTimeout;
		CompletableFuture<Message> reply;
		try {
			reply = sendRequest(subject, payload, headers, timeout);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		reply.whenComplete((message, failure) -> {
			try {
				if (failure != null) {
					result.completeExceptionally(translate(subject, failure, timeout));
				}
				else {
					result.complete((T) readReply(subject, message, responseType));
				}
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	private CompletableFuture<Message> sendRequest(String subject, Object payload, Map<String, String> headers,
			Duration timeout) {
		Subjects.validatePublishSubject(subject);
		OutgoingHeaders natsHeaders = toHeaders(headers);
		byte[] data = this.converter.toPayload(payload, natsHeaders);
		Observation observation = NatsObservations.send(this.observationRegistry, natsHeaders, subject, "request")
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			Message message = createMessage(subject, natsHeaders, data);
			Connection current = this.connection.get();
			checkSize(current, message);
			CompletableFuture<Message> reply = current.requestWithTimeout(message, timeout);
			reply.whenComplete((result, failure) -> {
				if (failure != null) {
					observation.error(translate(subject, failure, timeout));
				}
				observation.stop();
			});
			return reply;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
	}

	private Object await(String subject, CompletableFuture<Message> reply, Type responseType, Duration timeout) {
		Message message;
		try {
			// jnats times the request out itself; the extra second only guards against a lost completion
			message = reply.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new NatsException("Interrupted while waiting for a reply on '" + subject + "'", ex);
		}
		catch (ExecutionException | CancellationException | TimeoutException ex) {
			throw translate(subject, ex, timeout);
		}
		return readReply(subject, message, responseType);
	}

	private Object readReply(String subject, Message reply, Type responseType) {
		if (reply.hasHeaders()) {
			String code = reply.getHeaders().getFirst(NatsHeaders.SERVICE_ERROR_CODE);
			if (code != null) {
				throw new NatsServiceErrorException(subject, parseCode(code),
						reply.getHeaders().getFirst(NatsHeaders.SERVICE_ERROR));
			}
		}
		if (responseType == Message.class) {
			return reply;
		}
		return this.converter.fromPayload(reply.getData(), reply.getHeaders(), responseType);
	}

	private static int parseCode(String code) {
		try {
			return Integer.parseInt(code.trim());
		}
		catch (NumberFormatException ex) {
			return 500;
		}
	}

	private static RuntimeException translate(String subject, Throwable failure, Duration timeout) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof JetStreamStatusException status && status.getStatus() != null
				&& status.getStatus().getCode() == 503) {
			return new NatsNoRespondersException(subject);
		}
		if (cause instanceof TimeoutException || cause instanceof CancellationException) {
			return new NatsRequestTimeoutException(subject, timeout);
		}
		if (cause instanceof RuntimeException runtime && cause instanceof NatsException) {
			return runtime;
		}
		return new NatsException("Request on '" + subject + "' failed: " + cause.getMessage(), cause);
	}

	private static OutgoingHeaders toHeaders(Map<String, String> headers) {
		OutgoingHeaders natsHeaders = new OutgoingHeaders();
		headers.forEach(natsHeaders::put);
		return natsHeaders;
	}

	private static Message createMessage(String subject, OutgoingHeaders headers, byte[] data) {
		addEnvelope(headers);
		return NatsMessage.builder().subject(subject).headers(headers.seal()).data(data).build();
	}

	/**
	 * Adds a {@code Message-Id} and a {@code Correlation-Id} where the headers lack them.
	 * @param headers the outgoing headers
	 */
	public static void addEnvelope(Headers headers) {
		// empty headers (a reply with a byte[] body, for example) lack both: no lookups
		boolean empty = headers.isEmpty();
		String messageId = empty ? null : headers.getFirst(NatsHeaders.MESSAGE_ID);
		if (messageId == null) {
			messageId = NUID.nextGlobal();
			headers.put(NatsHeaders.MESSAGE_ID, messageId);
		}
		if (empty || !headers.containsKey(NatsHeaders.CORRELATION_ID)) {
			String correlationId = NatsMessageContext.currentCorrelationId();
			headers.put(NatsHeaders.CORRELATION_ID, (correlationId != null) ? correlationId : messageId);
		}
		if (headers instanceof OutgoingHeaders outgoing) {
			outgoing.envelopeAdded();
		}
	}

	private static boolean hasEnvelope(Message message) {
		if (!message.hasHeaders()) {
			return false;
		}
		Headers headers = message.getHeaders();
		// the profile of a service worker showed these lookups at a tenth of its time: headers we enveloped say so
		return (headers instanceof OutgoingHeaders outgoing && outgoing.hasEnvelope())
				|| (headers.containsKey(NatsHeaders.MESSAGE_ID) && headers.containsKey(NatsHeaders.CORRELATION_ID));
	}

	private static void checkSize(Connection connection, Message message) {
		long maxPayload = connection.getMaxPayload();
		long dataLength = message.getData().length;
		// measuring the headers costs a pass over them; only worth it when the message may be close to the limit
		if (maxPayload <= 0 || dataLength + HEADER_ALLOWANCE < maxPayload) {
			return;
		}
		long size = dataLength + (message.hasHeaders() ? message.getHeaders().serializedLength() : 0);
		if (size > maxPayload) {
			throw new NatsPayloadTooLargeException(message.getSubject(), size, maxPayload);
		}
	}

	public NatsMessageConverter getMessageConverter() {
		return this.converter;
	}

	public Duration getDefaultTimeout() {
		return this.defaultTimeout;
	}

}
