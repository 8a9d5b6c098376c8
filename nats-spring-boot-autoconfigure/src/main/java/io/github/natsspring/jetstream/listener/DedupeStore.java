package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;

import io.github.natsspring.core.NatsHeaders;

/**
 * Remembers handled messages in a key-value bucket whose TTL forgets them again (seed §9.1): before a message is
 * handled the listener looks it up, after the handler succeeded (and before the ack) it writes it. A crash between
 * handling and ack then does not run the handler a second time.
 * <p>
 * Keys are {@code <stream>.<consumer>.<sequence>} or, by message id, {@code <stream>.<consumer>.id.<base64url id>}.
 */
final class DedupeStore {

	private final KeyValue keyValue;

	private final String bucket;

	private DedupeStore(KeyValue keyValue, String bucket) {
		this.keyValue = keyValue;
		this.bucket = bucket;
	}

	/**
	 * Opens the bucket, creating it when missing and allowed.
	 * @param connection the connection
	 * @param bucket the bucket name
	 * @param ttl how long entries live
	 * @param storage the bucket's storage
	 * @param create whether a missing bucket may be created
	 * @param timeout request timeout
	 * @return the store
	 * @throws IOException if the server could not be asked
	 * @throws JetStreamApiException if the server refused
	 * @throws IllegalStateException if the bucket is missing and may not be created
	 */
	static DedupeStore open(Connection connection, String bucket, Duration ttl, StorageType storage, boolean create,
			Duration timeout) throws IOException, JetStreamApiException {
		KeyValueOptions options = KeyValueOptions.builder()
			.jetStreamOptions(JetStreamOptions.builder().requestTimeout(timeout).build())
			.build();
		KeyValueManagement management = connection.keyValueManagement(options);
		try {
			management.getStatus(bucket);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() != 10059) {
				throw ex;
			}
			if (!create) {
				throw new IllegalStateException("The de-duplication bucket '" + bucket + "' does not exist and "
						+ "nats.jetstream.reconcile.mode does not allow creating it");
			}
			try {
				management.create(KeyValueConfiguration.builder()
					.name(bucket)
					.ttl(ttl)
					.maxHistoryPerKey(1)
					.storageType(storage)
					.description("Messages handled by @JetStreamListener methods")
					.build());
			}
			catch (JetStreamApiException race) {
				// created by another instance meanwhile (stream name already in use)
				if (race.getApiErrorCode() != 10058) {
					throw race;
				}
			}
		}
		return new DedupeStore(connection.keyValue(bucket, options), bucket);
	}

	/**
	 * The key a message is remembered by.
	 * @param mode sequence or message id
	 * @param message the message
	 * @param stream the stream
	 * @param consumer the consumer
	 * @param sequence the stream sequence
	 * @return the key
	 */
	static String key(DedupeMode mode, Message message, String stream, String consumer, long sequence) {
		if (mode == DedupeMode.MESSAGE_ID && message.hasHeaders()) {
			String id = message.getHeaders().getFirst(NatsHeaders.NATS_MSG_ID);
			if (id == null) {
				id = message.getHeaders().getFirst(NatsHeaders.MESSAGE_ID);
			}
			if (id != null && !id.isEmpty()) {
				return stream + "." + consumer + ".id."
						+ Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
			}
		}
		return stream + "." + consumer + "." + sequence;
	}

	boolean contains(String key) throws IOException, JetStreamApiException {
		KeyValueEntry entry = this.keyValue.get(key);
		return entry != null && entry.getOperation() == KeyValueOperation.PUT;
	}

	void remember(String key) throws IOException, JetStreamApiException {
		this.keyValue.put(key, Instant.now().toString().getBytes(StandardCharsets.US_ASCII));
	}

}
