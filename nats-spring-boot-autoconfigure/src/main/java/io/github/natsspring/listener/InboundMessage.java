package io.github.natsspring.listener;

import java.util.Map;

import io.nats.client.Message;

import io.github.natsspring.core.NatsHeaders;

/**
 * A message a listener is about to hand to its method: the jnats message and what the listener knows about it
 * (JetStream metadata, the acknowledgment of manual mode). Arguments are read from it directly; the
 * spring-messaging form that Spring's argument resolvers need is built only when a method uses one of them.
 */
public final class InboundMessage {

	private final Message message;

	private final Attributes attributes;

	private org.springframework.messaging.Message<byte[]> springMessage;

	private InboundMessage(Message message, Attributes attributes) {
		this.message = message;
		this.attributes = attributes;
	}

	/**
	 * A message with nothing but its own headers.
	 * @param message the jnats message
	 * @return the inbound message
	 */
	public static InboundMessage of(Message message) {
		return new InboundMessage(message, Attributes.NONE);
	}

	/**
	 * A message with attributes.
	 * @param message the jnats message
	 * @param attributes what the listener knows about it
	 * @return the inbound message
	 */
	public static InboundMessage of(Message message, Attributes attributes) {
		return new InboundMessage(message, attributes);
	}

	public Message message() {
		return this.message;
	}

	/**
	 * What the spring-messaging form of this message has under the key: the subject, reply subject and jnats
	 * message under their {@link NatsHeaders} keys, then the attributes, then the first value of the NATS header of
	 * that name.
	 * @param key the key
	 * @return the value or {@code null}
	 */
	public Object attribute(String key) {
		if (NatsHeaders.SUBJECT.equals(key)) {
			return this.message.getSubject();
		}
		if (NatsHeaders.REPLY_TO.equals(key) && this.message.getReplyTo() != null) {
			return this.message.getReplyTo();
		}
		if (NatsHeaders.NATIVE_MESSAGE.equals(key)) {
			return this.message;
		}
		Object value = this.attributes.get(key);
		if (value != null) {
			return value;
		}
		return this.message.hasHeaders() ? this.message.getHeaders().getFirst(key) : null;
	}

	/**
	 * The spring-messaging form, built on first use.
	 * @return the message
	 */
	public org.springframework.messaging.Message<byte[]> toSpringMessage() {
		org.springframework.messaging.Message<byte[]> current = this.springMessage;
		if (current == null) {
			current = NatsMessages.toMessage(this.message, this.attributes.asMap());
			this.springMessage = current;
		}
		return current;
	}

	/**
	 * What a listener knows about a message besides the message, by key.
	 */
	public interface Attributes {

		/** No attributes. */
		Attributes NONE = new Attributes() {

			@Override
			public Object get(String key) {
				return null;
			}

			@Override
			public Map<String, Object> asMap() {
				return Map.of();
			}

		};

		/**
		 * The attribute under the key.
		 * @param key the key
		 * @return the value or {@code null}
		 */
		Object get(String key);

		/**
		 * All attributes, for the spring-messaging headers.
		 * @return the attributes
		 */
		Map<String, Object> asMap();

	}

}
