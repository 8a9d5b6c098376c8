package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.function.Consumer;

import io.nats.client.api.ConsumerConfiguration;

/**
 * What one pull of a durable listener asks for, within the consumer's limits. The server refuses a pull that asks
 * for more than the consumer's {@code max-batch}, {@code max-expires} or {@code max-bytes} (a 409 jnats handles
 * without telling anyone), so the listener would never receive anything; instead it asks for the limit and warns.
 *
 * @param batchSize messages per pull
 * @param maxBatch how far the pull window may grow while handlers keep up ({@link PullWindow}); the batch size
 * when the user set it
 * @param expires how long a pull stays open at the server
 * @param maxBytes bytes per pull, 0 for no limit
 */
record PullSettings(int batchSize, int maxBatch, Duration expires, long maxBytes) {

	/**
	 * The listener's pull settings, lowered to the consumer's limits.
	 * @param endpoint the listener
	 * @param consumer the consumer as the server has it
	 * @param warn told about each setting lowered
	 * @return the settings
	 */
	static PullSettings fit(JetStreamListenerEndpoint endpoint, ConsumerConfiguration consumer, Consumer<String> warn) {
		String name = endpoint.stream() + "/" + endpoint.consumer();
		int batch = endpoint.batchSize();
		long maxBatch = consumer.getMaxBatch();
		if (maxBatch > 0 && batch > maxBatch) {
			warn.accept("batchSize " + batch + " is more than the max-batch " + maxBatch + " of consumer " + name
					+ "; pulls ask for " + maxBatch + " messages");
			batch = (int) maxBatch;
		}
		Duration expires = endpoint.expires();
		Duration maxExpires = consumer.getMaxExpires();
		if (maxExpires != null && !maxExpires.isZero() && !maxExpires.isNegative() && expires.compareTo(maxExpires) > 0) {
			warn.accept("expires " + expires + " is more than the max-expires " + maxExpires + " of consumer " + name
					+ "; pulls expire after " + maxExpires);
			expires = maxExpires;
		}
		// the window grows only as far as the consumer lets one pull ask and lets messages be unacknowledged
		int window = Math.max(batch, endpoint.maxBatchSize());
		if (maxBatch > 0) {
			window = (int) Math.min(window, Math.max(batch, maxBatch));
		}
		long maxAckPending = consumer.getMaxAckPending();
		if (maxAckPending > 0) {
			window = (int) Math.min(window, Math.max(batch, maxAckPending));
		}
		long bytes = endpoint.maxBytes();
		long consumerMaxBytes = consumer.getMaxBytes();
		if (consumerMaxBytes > 0 && bytes > consumerMaxBytes) {
			warn.accept("maxBytes " + bytes + " is more than the max-bytes " + consumerMaxBytes + " of consumer " + name
					+ "; pulls ask for " + consumerMaxBytes + " bytes");
			bytes = consumerMaxBytes;
		}
		return new PullSettings(batch, window, expires, bytes);
	}

}
