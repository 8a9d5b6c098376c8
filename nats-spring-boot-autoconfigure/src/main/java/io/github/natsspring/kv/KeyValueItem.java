package io.github.natsspring.kv;

import java.time.ZonedDateTime;

import io.nats.client.api.KeyValueOperation;

/**
 * A value of a key with its revision, converted to the requested type.
 *
 * @param <T> the value type
 * @param key the key
 * @param value the value, {@code null} for a delete or purge marker
 * @param revision the revision, to pass to compare-and-set operations
 * @param operation put, delete or purge
 * @param created when it was written
 */
public record KeyValueItem<T>(String key, T value, long revision, KeyValueOperation operation,
		ZonedDateTime created) {

}
