package io.github.natsspring.metrics;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nats.client.Connection;
import io.nats.client.Statistics;

import io.github.natsspring.connection.NatsConnectionManager;

/**
 * The connection's own statistics as meters: messages and bytes in and out, reconnects, dropped messages, errors,
 * outstanding requests, and whether it is connected. Counters start at zero until the first connection.
 */
public class NatsConnectionMetrics implements MeterBinder {

	private final NatsConnectionManager connectionManager;

	public NatsConnectionMetrics(NatsConnectionManager connectionManager) {
		this.connectionManager = connectionManager;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		counter(registry, "nats.client.messages", "in", "Messages received", Statistics::getInMsgs);
		counter(registry, "nats.client.messages", "out", "Messages sent", Statistics::getOutMsgs);
		counter(registry, "nats.client.bytes", "in", "Bytes received", Statistics::getInBytes);
		counter(registry, "nats.client.bytes", "out", "Bytes sent", Statistics::getOutBytes);
		FunctionCounter.builder("nats.client.reconnects", this, statistic(Statistics::getReconnects))
			.description("Reconnects after a lost connection")
			.register(registry);
		FunctionCounter.builder("nats.client.dropped", this, statistic(Statistics::getDroppedCount))
			.description("Messages dropped because a subscription could not keep up")
			.register(registry);
		FunctionCounter.builder("nats.client.errors", this, statistic(Statistics::getErrs))
			.description("Errors reported by the server")
			.register(registry);
		Gauge.builder("nats.client.requests.outstanding", this, statistic(Statistics::getOutstandingRequests))
			.description("Requests waiting for a reply")
			.register(registry);
		Gauge.builder("nats.client.connected", this, (metrics) -> metrics.connectionManager.getState().isConnected() ? 1 : 0)
			.description("Whether the connection is up (1) or not (0)")
			.register(registry);
	}

	private void counter(MeterRegistry registry, String name, String direction, String description,
			ToDoubleFunction<Statistics> value) {
		FunctionCounter.builder(name, this, statistic(value::applyAsDouble))
			.description(description)
			.tag("direction", direction)
			.register(registry);
	}

	private ToDoubleFunction<NatsConnectionMetrics> statistic(ToDoubleFunction<Statistics> value) {
		return (metrics) -> {
			Connection connection = metrics.connectionManager.getConnectionIfAvailable();
			return (connection != null) ? value.applyAsDouble(connection.getStatistics()) : 0;
		};
	}

	private ToDoubleFunction<NatsConnectionMetrics> statistic(java.util.function.ToLongFunction<Statistics> value) {
		return statistic((ToDoubleFunction<Statistics>) (statistics) -> value.applyAsLong(statistics));
	}

}
