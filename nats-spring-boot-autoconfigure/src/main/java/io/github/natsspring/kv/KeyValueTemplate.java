package io.github.natsspring.kv;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;

import io.github.natsspring.core.NatsMessageConverter;

/**
 * Typed access to one key-value bucket: values are converted like message payloads ({@code byte[]} and
 * {@code String} as they are, other objects as JSON). Compare-and-set operations throw
 * {@link KeyValueRevisionConflictException} when someone else wrote the key in between, so a lock or an optimistic
 * update reads naturally:
 *
 * <pre>{@code
 * if (config.createIfAbsent("lock.invoice-run", instanceId).isPresent()) { ... }
 * KeyValueItem<Settings> current = config.getItem("settings", Settings.class);
 * config.update("settings", current.value().withLimit(10), current.revision());
 * }</pre>
 */
public class KeyValueTemplate {

	/** JetStream API error: wrong last sequence (the revision moved on). */
	private static final int WRONG_LAST_SEQUENCE = 10071;

	private final KeyValue keyValue;

	private final NatsMessageConverter converter;

	public KeyValueTemplate(KeyValue keyValue, NatsMessageConverter converter) {
		this.keyValue = keyValue;
		this.converter = converter;
	}

	public String getBucketName() {
		return this.keyValue.getBucketName();
	}

	/**
	 * The current value of a key.
	 * @param key the key
	 * @param type the value type
	 * @return the value, or {@code null} when the key does not exist or was deleted
	 */
	public <T> T get(String key, Class<T> type) {
		KeyValueItem<T> item = getItem(key, type);
		return (item != null) ? item.value() : null;
	}

	/**
	 * The current value of a key with its revision, for a later {@link #update}.
	 * @param key the key
	 * @param type the value type
	 * @return the value and revision, or {@code null} when the key does not exist or was deleted
	 */
	public <T> KeyValueItem<T> getItem(String key, Class<T> type) {
		KeyValueEntry entry = call(key, () -> this.keyValue.get(key));
		return (entry != null && entry.getOperation() == KeyValueOperation.PUT) ? toItem(entry, type) : null;
	}

	/**
	 * Writes a value.
	 * @param key the key
	 * @param value the value
	 * @return the new revision
	 */
	public long put(String key, Object value) {
		return call(key, () -> this.keyValue.put(key, toBytes(value)));
	}

	/**
	 * Writes a value only if the key has none (never written, or deleted). Usable as a lock: exactly one of several
	 * instances racing for the same key succeeds.
	 * @param key the key
	 * @param value the value
	 * @return the new revision, or empty when the key already has a value
	 */
	public OptionalLong createIfAbsent(String key, Object value) {
		try {
			return OptionalLong.of(call(key, () -> this.keyValue.create(key, toBytes(value))));
		}
		catch (KeyValueRevisionConflictException ex) {
			return OptionalLong.empty();
		}
	}

	/**
	 * Writes a value only if the key is still at the expected revision (compare-and-set).
	 * @param key the key
	 * @param value the new value
	 * @param expectedRevision the revision the value was read at
	 * @return the new revision
	 * @throws KeyValueRevisionConflictException if the key was written in between
	 */
	public long update(String key, Object value, long expectedRevision) {
		return call(key, expectedRevision, () -> this.keyValue.update(key, toBytes(value), expectedRevision));
	}

	/**
	 * Deletes a key (its history stays, up to the bucket's history setting).
	 * @param key the key
	 */
	public void delete(String key) {
		call(key, () -> {
			this.keyValue.delete(key);
			return null;
		});
	}

	/**
	 * Deletes a key only if it is still at the expected revision, for example to release a lock one holds.
	 * @param key the key
	 * @param expectedRevision the revision it was written at
	 * @throws KeyValueRevisionConflictException if the key was written in between
	 */
	public void delete(String key, long expectedRevision) {
		call(key, expectedRevision, () -> {
			this.keyValue.delete(key, expectedRevision);
			return null;
		});
	}

	/**
	 * Deletes a key and its history.
	 * @param key the key
	 */
	public void purge(String key) {
		call(key, () -> {
			this.keyValue.purge(key);
			return null;
		});
	}

	/**
	 * The keys that have a value.
	 * @return the keys
	 */
	public List<String> keys() {
		return call("*", this.keyValue::keys);
	}

	/**
	 * The keys matching a filter.
	 * @param filter a key filter, wildcards allowed ({@code settings.*})
	 * @return the keys
	 */
	public List<String> keys(String filter) {
		return call(filter, () -> this.keyValue.keys(filter));
	}

	/**
	 * Every value the bucket keeps for a key, oldest first; deletes appear with a {@code null} value.
	 * @param key the key
	 * @param type the value type
	 * @return the history
	 */
	public <T> List<KeyValueItem<T>> history(String key, Class<T> type) {
		List<KeyValueEntry> entries = call(key, () -> this.keyValue.history(key));
		List<KeyValueItem<T>> items = new ArrayList<>();
		for (KeyValueEntry entry : entries) {
			items.add(toItem(entry, type));
		}
		return items;
	}

	/**
	 * The jnats bucket, for watches and everything else.
	 * @return the key-value bucket
	 */
	public KeyValue getKeyValue() {
		return this.keyValue;
	}

	private byte[] toBytes(Object value) {
		return this.converter.toPayload(value, null);
	}

	@SuppressWarnings("unchecked")
	private <T> KeyValueItem<T> toItem(KeyValueEntry entry, Class<T> type) {
		T value = null;
		if (entry.getOperation() == KeyValueOperation.PUT) {
			byte[] data = (entry.getValue() != null) ? entry.getValue() : new byte[0];
			value = (T) this.converter.fromPayload(data, null, (Type) type);
		}
		return new KeyValueItem<>(entry.getKey(), value, entry.getRevision(), entry.getOperation(), entry.getCreated());
	}

	private <R> R call(String key, Operation<R> operation) {
		return call(key, 0, operation);
	}

	private <R> R call(String key, long expectedRevision, Operation<R> operation) {
		try {
			return operation.run();
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
				throw new KeyValueRevisionConflictException(getBucketName(), key, expectedRevision, ex);
			}
			throw new KeyValueException("Key-value bucket '" + getBucketName() + "' refused the operation on '" + key
					+ "': " + ex.getErrorDescription() + " (JetStream error " + ex.getApiErrorCode() + ")", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KeyValueException("Interrupted while working on '" + key + "'", ex);
		}
		catch (java.io.IOException ex) {
			throw new KeyValueException("Key-value bucket '" + getBucketName() + "' failed on '" + key + "': "
					+ ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	private interface Operation<R> {

		R run() throws java.io.IOException, JetStreamApiException, InterruptedException;

	}

}
