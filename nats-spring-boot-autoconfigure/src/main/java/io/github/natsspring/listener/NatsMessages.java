package io.github.natsspring.listener;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.Message;
import io.nats.client.impl.Headers;

import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

import io.github.natsspring.core.NatsHeaders;

/**
 * Adapts jnats messages to spring-messaging messages, so handler methods resolve their arguments with Spring's
 * machinery ({@code @Header}, {@code @Payload}, validation).
 */
public final class NatsMessages {

	private NatsMessages() {
	}

	/**
	 * Wraps a jnats message: the payload is the raw data, headers hold each NATS header's first value, the subject,
	 * the reply subject and the jnats message itself.
	 * @param message the jnats message
	 * @param metadata more metadata keys to add (for example JetStream's stream and sequence)
	 * @return the spring-messaging message
	 */
	public static org.springframework.messaging.Message<byte[]> toMessage(Message message,
			Map<String, Object> metadata) {
		Map<String, Object> headers = new HashMap<>();
		Headers natsHeaders = message.getHeaders();
		if (natsHeaders != null) {
			for (String key : natsHeaders.keySet()) {
				List<String> values = natsHeaders.get(key);
				if (values != null && !values.isEmpty()) {
					headers.put(key, values.get(0));
				}
			}
		}
		headers.putAll(metadata);
		headers.put(NatsHeaders.SUBJECT, message.getSubject());
		if (message.getReplyTo() != null) {
			headers.put(NatsHeaders.REPLY_TO, message.getReplyTo());
		}
		headers.put(NatsHeaders.NATIVE_MESSAGE, message);
		byte[] data = (message.getData() != null) ? message.getData() : new byte[0];
		return MessageBuilder.createMessage(data, new NatsMessageHeaders(headers));
	}

	/**
	 * Message headers without the random {@code id} and {@code timestamp} Spring would add: nothing reads them,
	 * and a random UUID per message is a measurable cost on the hot path.
	 */
	private static final class NatsMessageHeaders extends MessageHeaders {

		NatsMessageHeaders(Map<String, Object> headers) {
			super(headers, ID_VALUE_NONE, -1L);
		}

	}

	/**
	 * The id to name a message by in logs: its {@code Message-Id} or {@code Nats-Msg-Id} header.
	 * @param message the message
	 * @return the id or {@code "-"}
	 */
	public static String idOf(Message message) {
		if (message.hasHeaders()) {
			String id = message.getHeaders().getFirst(NatsHeaders.MESSAGE_ID);
			if (id == null) {
				id = message.getHeaders().getFirst(NatsHeaders.NATS_MSG_ID);
			}
			if (id != null) {
				return id;
			}
		}
		return "-";
	}

}
