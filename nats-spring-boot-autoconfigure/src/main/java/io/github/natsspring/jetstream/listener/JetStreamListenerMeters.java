package io.github.natsspring.jetstream.listener;

import java.util.function.DoubleSupplier;

/**
 * Publishes the gauges of JetStream listeners: pending and ack-pending messages of each listener's consumer, as last
 * read from the server. The Micrometer implementation registers {@code nats.listener.pending} and
 * {@code nats.listener.ack.pending}; without Micrometer nothing is published.
 */
public interface JetStreamListenerMeters {

	/** Publishes nothing. */
	JetStreamListenerMeters NONE = (listenerId, stream, consumer, pending, ackPending) -> {
	};

	/**
	 * Registers the gauges of one listener.
	 * @param listenerId the listener id
	 * @param stream the stream
	 * @param consumer the consumer name, or the listener id for ordered consumers
	 * @param pending messages not yet delivered ({@code NaN} while unknown)
	 * @param ackPending messages delivered and not yet acknowledged ({@code NaN} while unknown)
	 */
	void register(String listenerId, String stream, String consumer, DoubleSupplier pending,
			DoubleSupplier ackPending);

}
