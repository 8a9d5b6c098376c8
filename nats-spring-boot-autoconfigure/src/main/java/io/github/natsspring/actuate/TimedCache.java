package io.github.natsspring.actuate;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Keeps one value for a short time: what the endpoint reads from the server is reused for
 * {@code nats.actuator.cache-time-to-live}, so that a dashboard or a script polling the endpoint cannot flood the
 * JetStream API. Concurrent requests after expiry read the server once.
 *
 * @param <T> the value type
 */
final class TimedCache<T> {

	private final Duration timeToLive;

	private final Supplier<T> loader;

	private T value;

	private long loadedAt;

	private boolean loaded;

	TimedCache(Duration timeToLive, Supplier<T> loader) {
		this.timeToLive = timeToLive;
		this.loader = loader;
	}

	synchronized T get() {
		long now = System.nanoTime();
		if (!this.loaded || now - this.loadedAt >= this.timeToLive.toNanos()) {
			this.value = this.loader.get();
			this.loadedAt = System.nanoTime();
			this.loaded = true;
		}
		return this.value;
	}

	synchronized void invalidate() {
		this.loaded = false;
		this.value = null;
	}

}
