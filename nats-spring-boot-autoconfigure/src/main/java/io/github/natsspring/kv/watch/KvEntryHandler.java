package io.github.natsspring.kv.watch;

import java.util.Map;

import io.nats.client.api.KeyValueEntry;

/**
 * What a {@link KvWatchContainer} hands the entries to: an annotated method or a {@link KvView}. Called from one
 * thread at a time, in revision order, never twice for the same revision.
 */
interface KvEntryHandler {

	/**
	 * Handles one entry.
	 * @param entry the entry
	 * @param initial whether it belongs to the initial values
	 * @throws Exception anything; the container logs it and goes on
	 */
	void onEntry(KeyValueEntry entry, boolean initial) throws Exception;

	/**
	 * The initial values are delivered: once after the start, and again after the values of a recreated bucket.
	 */
	default void onInitialValuesDone() {
	}

	/**
	 * The bucket was deleted and created again (or lost revisions): its revisions start over, and its current
	 * values follow as initial values, then {@link #onInitialValuesDone()}.
	 */
	default void onBucketRecreated() {
	}

	/**
	 * The watch stopped.
	 */
	default void onStop() {
	}

	/**
	 * Extra health details.
	 * @return the details
	 */
	default Map<String, Object> describe() {
		return Map.of();
	}

}
