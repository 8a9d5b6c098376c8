package io.github.natsspring.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.github.natsspring.listener.ListenerMetrics;

/**
 * Listener metrics as one Micrometer timer, {@code nats.listener}, tagged with the listener id, its kind and the
 * outcome: count, total and max time per outcome, so rates of failures and retries are one query away.
 */
public class MicrometerListenerMetrics implements ListenerMetrics {

	/** The timer's name. */
	public static final String TIMER = "nats.listener";

	private final MeterRegistry registry;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	public MicrometerListenerMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void record(String listenerId, String kind, String outcome, long nanos) {
		String key = listenerId + '\u0000' + kind + '\u0000' + outcome;
		this.timers.computeIfAbsent(key, (ignored) -> Timer.builder(TIMER)
			.description("Time taken by listener methods, by outcome")
			.tag("listener", listenerId)
			.tag("kind", kind)
			.tag("outcome", outcome)
			.register(this.registry)).record(Duration.ofNanos(nanos));
	}

}
