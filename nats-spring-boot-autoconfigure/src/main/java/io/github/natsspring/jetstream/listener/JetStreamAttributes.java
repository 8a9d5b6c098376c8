package io.github.natsspring.jetstream.listener;

import java.util.HashMap;
import java.util.Map;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.listener.InboundMessage;

/**
 * What a JetStream listener knows about a message besides the message: its metadata (also by the
 * {@link NatsHeaders} keys {@code @Header} parameters use) and, in manual mode, its acknowledgment. Read by key
 * without building a map; the map is made only for spring-messaging's argument resolution.
 *
 * @param metadata the message's JetStream metadata
 * @param acknowledgment the acknowledgment handed to manual-mode methods, or {@code null}
 */
record JetStreamAttributes(JetStreamMetadata metadata, Acknowledgment acknowledgment)
		implements InboundMessage.Attributes {

	@Override
	public Object get(String key) {
		return switch (key) {
			case NatsHeaders.STREAM -> this.metadata.stream();
			case NatsHeaders.CONSUMER -> this.metadata.consumer();
			case NatsHeaders.STREAM_SEQUENCE -> this.metadata.streamSequence();
			case NatsHeaders.DELIVERED_COUNT -> this.metadata.deliveredCount();
			case NatsHeaders.TIMESTAMP -> this.metadata.timestamp();
			case JetStreamContainer.METADATA -> this.metadata;
			case JetStreamContainer.ACKNOWLEDGMENT -> this.acknowledgment;
			default -> null;
		};
	}

	@Override
	public Map<String, Object> asMap() {
		Map<String, Object> values = new HashMap<>(8);
		values.put(NatsHeaders.STREAM, this.metadata.stream());
		values.put(NatsHeaders.CONSUMER, this.metadata.consumer());
		values.put(NatsHeaders.STREAM_SEQUENCE, this.metadata.streamSequence());
		values.put(NatsHeaders.DELIVERED_COUNT, this.metadata.deliveredCount());
		if (this.metadata.timestamp() != null) {
			values.put(NatsHeaders.TIMESTAMP, this.metadata.timestamp());
		}
		values.put(JetStreamContainer.METADATA, this.metadata);
		if (this.acknowledgment != null) {
			values.put(JetStreamContainer.ACKNOWLEDGMENT, this.acknowledgment);
		}
		return values;
	}

}
