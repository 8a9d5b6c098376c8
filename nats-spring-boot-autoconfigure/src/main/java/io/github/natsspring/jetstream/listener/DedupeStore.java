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
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.KeyValueDeclaration;
import io.github.natsspring.core.NatsHeaders;

/**
 * Remembers handled messages in a key-value bucket whose TTL forgets them again (seed §9.1): before a message is
 * handled the listener looks it up, after the handler succeeded (and before the ack) it writes it. A crash between
 * handling and ack then does not run the handler a second time.
 * <p>
 * The bucket is used through the connection the manager has now, so a listener restarted on a new connection keeps
 * de-duplicating; a bucket that disappeared (a memory bucket after a server restart, one deleted by hand) is created
 * again on use, as at startup, when the reconcile mode allows creating it.
 * <p>
 * Keys are {@code <stream>.<consumer>.<sequence>.<stored>} — {@code <stored>} is the time the stream stored the
 * message, in nanoseconds: a stream recreated empty counts its sequences from 1 again, and its new messages must not
 * pass for the old ones — or, by message id, {@code <stream>.<consumer>.id.<base64url id>}. Stream and consumer
 * names may hold characters a key cannot ({@code $}, {@code @}, ...): those are written as {@code =XX} (UTF-8 bytes
 * in hex, {@code =} itself too).
 */
final class DedupeStore {

	private static final int STREAM_NOT_FOUND = 10059;

	private static final int STREAM_NAME_IN_USE = 10058;

	private final NatsConnectionManager connectionManager;

	private final String bucket;

	private final JetStreamReconciler reconciler;

	private final Duration ttl;

	private final StorageType storage;

	private final boolean mayCreate;

	private final KeyValueOptions options;

	/** The bucket as opened, with the connection it was opened on. */
	private volatile Opened opened;

	/**
	 * Creates a store; nothing is opened before it is used.
	 * @param connectionManager supplies the current connection
	 * @param bucket the bucket name
	 * @param ttl how long entries live
	 * @param storage the bucket's storage
	 * @param mayCreate whether a missing bucket may be created
	 * @param timeout request timeout
	 * @param reconciler declares the bucket, may be {@code null}
	 * @param api the JetStream the bucket lives in
	 */
	DedupeStore(NatsConnectionManager connectionManager, String bucket, Duration ttl, StorageType storage,
			boolean mayCreate, Duration timeout, JetStreamReconciler reconciler, JetStreamApi api) {
		this.reconciler = reconciler;
		this.connectionManager = connectionManager;
		this.bucket = bucket;
		this.ttl = ttl;
		this.storage = storage;
		this.mayCreate = mayCreate;
		this.options = api.keyValueOptions(timeout);
	}

	/**
	 * Opens the bucket (creating it when missing and allowed) and reads from it once, so that a listener that asked
	 * for de-duplication does not start without it.
	 * @throws IOException if the server could not be asked
	 * @throws JetStreamApiException if the server refused
	 * @throws IllegalStateException if the bucket is missing and may not be created
	 */
	void verify() throws IOException, JetStreamApiException {
		contains("verify");
	}

	/**
	 * Whether a key is remembered.
	 * @param key the key
	 * @return {@code true} if the message was handled before
	 * @throws IOException if the server could not be asked
	 * @throws JetStreamApiException if the server refused
	 */
	boolean contains(String key) throws IOException, JetStreamApiException {
		return use((kv) -> {
			KeyValueEntry entry = kv.get(key);
			return entry != null && entry.getOperation() == KeyValueOperation.PUT;
		});
	}

	/**
	 * Remembers a key.
	 * @param key the key
	 * @throws IOException if the server could not be asked
	 * @throws JetStreamApiException if the server refused
	 */
	void remember(String key) throws IOException, JetStreamApiException {
		use((kv) -> kv.put(key, Instant.now().toString().getBytes(StandardCharsets.US_ASCII)));
	}

	private <T> T use(Operation<T> operation) throws IOException, JetStreamApiException {
		Connection connection = this.connectionManager.getConnection();
		Opened current = opened(connection, null);
		try {
			return operation.apply(current.keyValue());
		}
		catch (IOException | JetStreamApiException ex) {
			if (!isMissing(connection)) {
				throw ex;
			}
			// the bucket went away under us: make it again and retry once
			return operation.apply(opened(connection, current).keyValue());
		}
	}

	/**
	 * The bucket opened on this connection.
	 * @param stale an opened bucket that failed because the bucket went away: open it again (unless another thread
	 * did meanwhile)
	 */
	private Opened opened(Connection connection, Opened stale) throws IOException, JetStreamApiException {
		Opened current = this.opened;
		if (current != null && current.connection() == connection && current != stale) {
			return current;
		}
		synchronized (this) {
			current = this.opened;
			if (current != null && current.connection() == connection && current != stale) {
				return current;
			}
			current = new Opened(connection, openOrCreate(connection));
			this.opened = current;
			return current;
		}
	}

	private KeyValue openOrCreate(Connection connection) throws IOException, JetStreamApiException {
		try {
			return connection.keyValue(this.bucket, this.options);
		}
		catch (IOException ex) {
			// jnats reports the missing bucket as an IOException around the API error
			if (!(ex.getCause() instanceof JetStreamApiException api) || api.getApiErrorCode() != STREAM_NOT_FOUND) {
				throw ex;
			}
			create(connection.keyValueManagement(this.options));
			return connection.keyValue(this.bucket, this.options);
		}
	}

	private boolean isMissing(Connection connection) {
		try {
			connection.keyValueManagement(this.options).getStatus(this.bucket);
			return false;
		}
		catch (JetStreamApiException ex) {
			return ex.getApiErrorCode() == STREAM_NOT_FOUND;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private void create(KeyValueManagement management) throws IOException, JetStreamApiException {
		if (!this.mayCreate) {
			throw new IllegalStateException("The de-duplication bucket '" + this.bucket + "' does not exist and "
					+ "nats.jetstream.reconcile.mode does not allow creating it. Create it, or let the application "
					+ "create it (mode update or create-only).");
		}
		if (this.reconciler != null) {
			// through the topology: reported, in health, and made again after a reconnect like declared buckets
			this.reconciler.ensureKeyValue(new KeyValueDeclaration(this.bucket, 1, this.ttl, null, null, this.storage,
					null, "Messages handled by @JetStreamListener methods", null, null, null, null));
			return;
		}
		try {
			management.create(KeyValueConfiguration.builder()
				.name(this.bucket)
				.ttl(this.ttl)
				.maxHistoryPerKey(1)
				.storageType(this.storage)
				.description("Messages handled by @JetStreamListener methods")
				.build());
		}
		catch (JetStreamApiException race) {
			// created by another instance meanwhile (stream name already in use)
			if (race.getApiErrorCode() != STREAM_NAME_IN_USE) {
				throw race;
			}
		}
	}

	/**
	 * The key a message is remembered by.
	 * @param mode sequence or message id
	 * @param message the message
	 * @param metadata its metadata
	 * @param consumer the consumer
	 * @return the key
	 */
	static String key(DedupeMode mode, Message message, JetStreamMetadata metadata, String consumer) {
		String prefix = token(metadata.stream()) + "." + token(consumer) + ".";
		if (mode == DedupeMode.MESSAGE_ID && message.hasHeaders()) {
			String id = message.getHeaders().getFirst(NatsHeaders.NATS_MSG_ID);
			if (id == null) {
				id = message.getHeaders().getFirst(NatsHeaders.MESSAGE_ID);
			}
			if (id != null && !id.isEmpty()) {
				return prefix + "id."
						+ Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
			}
		}
		Instant stored = metadata.timestamp();
		return prefix + metadata.streamSequence()
				+ ((stored != null) ? "." + (stored.getEpochSecond() * 1_000_000_000L + stored.getNano()) : "");
	}

	/**
	 * A name as a key token: letters, digits, {@code -} and {@code _} stay, every other UTF-8 byte becomes
	 * {@code =XX}.
	 */
	static String token(String name) {
		StringBuilder out = new StringBuilder(name.length());
		for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
			int c = b & 0xFF;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
				out.append((char) c);
			}
			else {
				out.append('=').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
					.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
			}
		}
		return out.toString();
	}

	private record Opened(Connection connection, KeyValue keyValue) {
	}

	@FunctionalInterface
	private interface Operation<T> {

		T apply(KeyValue keyValue) throws IOException, JetStreamApiException;

	}

}
