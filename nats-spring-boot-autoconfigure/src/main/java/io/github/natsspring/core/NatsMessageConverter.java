package io.github.natsspring.core;

import java.lang.reflect.Type;

import io.nats.client.impl.Headers;

/**
 * Turns payload objects into message bytes and back. The default passes {@code byte[]} and {@code String}
 * through and writes everything else as JSON with the application's Jackson mapper.
 */
public interface NatsMessageConverter {

	/**
	 * Serializes a payload.
	 * @param payload the payload, may be {@code null} (an empty message)
	 * @param headers the outgoing headers, to which the converter may add a {@code Content-Type}
	 * @return the bytes to send
	 * @throws NatsMessageConversionException if the payload cannot be written
	 */
	byte[] toPayload(Object payload, Headers headers);

	/**
	 * Reads a payload.
	 * @param data the message bytes
	 * @param headers the message headers, may be {@code null}
	 * @param targetType the type wanted, possibly generic ({@code List<Invoice>})
	 * @return the value
	 * @throws NatsMessageConversionException if the bytes cannot be read as that type
	 */
	Object fromPayload(byte[] data, Headers headers, Type targetType);

	/**
	 * A reader of payloads of one type, for callers that read many of them (a listener reads every message of its
	 * parameter's type): what the type needs may be resolved once rather than per message. The default reads with
	 * {@link #fromPayload}.
	 * @param targetType the type wanted, possibly generic
	 * @return the reader, reading as {@link #fromPayload} would
	 */
	default PayloadReader readerFor(Type targetType) {
		return (data, headers) -> fromPayload(data, headers, targetType);
	}

	/**
	 * Reads payloads of the type it was made for.
	 */
	@FunctionalInterface
	interface PayloadReader {

		/**
		 * Reads a payload.
		 * @param data the message bytes
		 * @param headers the message headers, may be {@code null}
		 * @return the value
		 * @throws NatsMessageConversionException if the bytes cannot be read as the reader's type
		 */
		Object read(byte[] data, Headers headers);

	}

}
