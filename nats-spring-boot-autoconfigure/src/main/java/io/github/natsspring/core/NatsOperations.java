package io.github.natsspring.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.nats.client.Message;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Core NATS sending: fire-and-forget publish and request-reply. Implemented by {@link NatsTemplate}.
 * <p>
 * Payloads: {@code byte[]} and {@code String} pass through, other objects are sent as JSON. Every message gets a
 * unique {@code Message-Id} and a {@code Correlation-Id} (taken over from the message being handled, when sent
 * from a listener).
 */
public interface NatsOperations {

	/**
	 * Publishes a message.
	 * @param subject a concrete subject (no wildcards)
	 * @param payload the payload, may be {@code null}
	 * @throws NatsInvalidSubjectException if the subject cannot be published to
	 * @throws NatsPayloadTooLargeException if the message exceeds the server's max_payload
	 * @throws NatsNotConnectedException if there never was a connection
	 */
	void publish(String subject, Object payload);

	/**
	 * Publishes a message with headers.
	 * @param subject a concrete subject (no wildcards)
	 * @param payload the payload, may be {@code null}
	 * @param headers headers to send, may be empty
	 */
	void publish(String subject, Object payload, Map<String, String> headers);

	/**
	 * Sends a request and waits for the reply, with the default timeout ({@code nats.request-timeout}).
	 * @param subject the subject a service listens on
	 * @param payload the request payload
	 * @param responseType the type to convert the reply to ({@code Message} for the raw reply)
	 * @param <T> the reply type
	 * @return the converted reply
	 * @throws NatsNoRespondersException if nothing listens on the subject
	 * @throws NatsRequestTimeoutException if no reply came in time
	 * @throws NatsServiceErrorException if the service replied with an error
	 */
	<T> T request(String subject, Object payload, Class<T> responseType);

	/**
	 * Sends a request and waits for the reply.
	 * @param subject the subject a service listens on
	 * @param payload the request payload
	 * @param responseType the type to convert the reply to
	 * @param timeout how long to wait
	 * @param <T> the reply type
	 * @return the converted reply
	 */
	<T> T request(String subject, Object payload, Class<T> responseType, Duration timeout);

	/**
	 * Sends a request and waits for a reply of a generic type, such as {@code List<Invoice>}.
	 * @param subject the subject a service listens on
	 * @param payload the request payload
	 * @param responseType the reply type
	 * @param <T> the reply type
	 * @return the converted reply
	 */
	<T> T request(String subject, Object payload, ParameterizedTypeReference<T> responseType);

	/**
	 * Sends a request with headers and waits for the reply.
	 * @param subject the subject a service listens on
	 * @param payload the request payload
	 * @param headers headers to send
	 * @param responseType the type to convert the reply to
	 * @param timeout how long to wait
	 * @param <T> the reply type
	 * @return the converted reply
	 */
	<T> T request(String subject, Object payload, Map<String, String> headers, Class<T> responseType,
			Duration timeout);

	/**
	 * Sends a request with headers and waits for a reply of a possibly generic type.
	 * @param subject the subject a service listens on
	 * @param payload the request payload
	 * @param headers headers to send
	 * @param responseType the reply type ({@code Message} for the raw reply)
	 * @param timeout how long to wait, {@code null} for the default timeout
	 * @param <T> the reply type
	 * @return the converted reply
	 */
	<T> T request(String subject, Object payload, Map<String, String> headers,
			ParameterizedTypeReference<T> responseType, Duration timeout);

	/**
	 * Sends a request without blocking; the future completes with the converted reply or one of the exceptions
	 * {@link #request(String, Object, Class)} throws.
	 * @param subject the subject a service listens on
	 * @param payload the request payload
	 * @param responseType the type to convert the reply to
	 * @param <T> the reply type
	 * @return the future reply
	 */
	<T> CompletableFuture<T> requestAsync(String subject, Object payload, Class<T> responseType);

	/**
	 * Sends a request without blocking.
	 * @param subject the subject a service listens on
	 * @param payload the request payload
	 * @param responseType the type to convert the reply to
	 * @param timeout how long to wait
	 * @param <T> the reply type
	 * @return the future reply
	 */
	<T> CompletableFuture<T> requestAsync(String subject, Object payload, Class<T> responseType, Duration timeout);

	/**
	 * Sends a request with headers without blocking; the future completes with a reply of a possibly generic type,
	 * or with one of the exceptions {@link #request(String, Object, Class)} throws.
	 * @param subject the subject a service listens on
	 * @param payload the request payload
	 * @param headers headers to send
	 * @param responseType the reply type ({@code Message} for the raw reply)
	 * @param timeout how long to wait, {@code null} for the default timeout
	 * @param <T> the reply type
	 * @return the future reply
	 */
	<T> CompletableFuture<T> requestAsync(String subject, Object payload, Map<String, String> headers,
			ParameterizedTypeReference<T> responseType, Duration timeout);

	/**
	 * Sends a prepared message as it is, adding only the envelope headers it lacks. Used to reply to a request.
	 * @param message the message
	 */
	void send(Message message);

}
