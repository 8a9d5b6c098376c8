package io.github.natsspring.jetstream.listener;

import java.time.Duration;

import io.nats.client.ConsumeOptions;

/**
 * Builds the flow control of an ordered listener's {@code consume()}: messages and (optionally) bytes per pull, and
 * the pull expiry (which also sets the idle heartbeat jnats uses to notice a lost pull and recreate the ordered
 * consumer). The public builder lets a pull be limited by messages or by bytes; the listener wants both.
 */
final class ConsumeOptionsFactory {

	private ConsumeOptionsFactory() {
	}

	static ConsumeOptions create(int batchSize, long maxBytes, Duration expires) {
		return new Builder(batchSize, maxBytes).expiresIn(expires.toMillis()).build();
	}

	private static final class Builder extends ConsumeOptions.Builder {

		Builder(int batchSize, long maxBytes) {
			messages(batchSize);
			bytes(maxBytes);
		}

	}

}
