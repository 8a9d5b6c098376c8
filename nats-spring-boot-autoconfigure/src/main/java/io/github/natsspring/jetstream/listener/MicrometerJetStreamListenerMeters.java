package io.github.natsspring.jetstream.listener;

import java.util.function.DoubleSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * JetStream listener gauges in Micrometer: {@code nats.listener.pending} and {@code nats.listener.ack.pending}, tagged
 * with the listener id, the stream and the consumer.
 */
public class MicrometerJetStreamListenerMeters implements JetStreamListenerMeters {

	/** Gauge of messages the consumer has not delivered yet. */
	public static final String PENDING = "nats.listener.pending";

	/** Gauge of messages delivered and not yet acknowledged. */
	public static final String ACK_PENDING = "nats.listener.ack.pending";

	private final MeterRegistry registry;

	public MicrometerJetStreamListenerMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void register(String listenerId, String stream, String consumer, DoubleSupplier pending,
			DoubleSupplier ackPending) {
		Gauge.builder(PENDING, pending, DoubleSupplier::getAsDouble)
			.description("Messages of the listener's consumer not delivered yet")
			.tag("listener", listenerId)
			.tag("stream", stream)
			.tag("consumer", consumer)
			.strongReference(true)
			.register(this.registry);
		Gauge.builder(ACK_PENDING, ackPending, DoubleSupplier::getAsDouble)
			.description("Messages of the listener's consumer delivered and not acknowledged yet")
			.tag("listener", listenerId)
			.tag("stream", stream)
			.tag("consumer", consumer)
			.strongReference(true)
			.register(this.registry);
	}

}
