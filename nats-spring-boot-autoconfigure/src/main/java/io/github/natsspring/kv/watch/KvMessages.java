package io.github.natsspring.kv.watch;

import java.util.HashMap;
import java.util.Map;

import io.nats.client.api.KeyValueEntry;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Turns a KV entry into the spring-messaging message a {@code @KvWatch} method's arguments are resolved from: the
 * payload is the value (empty for deletes, purges and metadata-only watches), the headers are the
 * {@link KvHeaders} keys.
 */
final class KvMessages {

	private static final byte[] EMPTY = new byte[0];

	private KvMessages() {
	}

	static Message<byte[]> toMessage(KeyValueEntry entry, boolean initial) {
		Map<String, Object> headers = new HashMap<>(12);
		headers.put(KvHeaders.ENTRY, entry);
		headers.put(KvHeaders.KEY, entry.getKey());
		headers.put(KvHeaders.REVISION, entry.getRevision());
		headers.put(KvHeaders.OPERATION, entry.getOperation());
		headers.put(KvHeaders.BUCKET, entry.getBucket());
		headers.put(KvHeaders.DELTA, entry.getDelta());
		headers.put(KvHeaders.INITIAL, initial);
		if (entry.getCreated() != null) {
			headers.put(KvHeaders.CREATED, entry.getCreated());
		}
		byte[] value = entry.getValue();
		return MessageBuilder.createMessage((value != null) ? value : EMPTY, new KvMessageHeaders(headers));
	}

	/**
	 * Headers without the random id and timestamp Spring would add; nothing reads them.
	 */
	private static final class KvMessageHeaders extends MessageHeaders {

		KvMessageHeaders(Map<String, Object> headers) {
			super(headers, ID_VALUE_NONE, -1L);
		}

	}

}
