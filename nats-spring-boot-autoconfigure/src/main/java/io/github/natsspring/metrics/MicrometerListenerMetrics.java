package io.github.natsspring.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.github.natsspring.listener.ListenerMetrics;

/**
 * Listener metrics as one Micrometer timer, {@code nats.listener}, tagged with the listener id, its kind and the
 * outcome: count, total and max time per outcome, so rates of failures and retries are one query away. Each
 * listener's {@link #recorder recorder} registers its timers once per outcome and keeps them.
 */
public class MicrometerListenerMetrics implements ListenerMetrics {

	/** The timer's name. */
	public static final String TIMER = "nats.listener";

	private final MeterRegistry registry;

	private final Map<String, ListenerTimers> listeners = new ConcurrentHashMap<>();

	public MicrometerListenerMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void record(String listenerId, String kind, String outcome, long nanos) {
		recorder(listenerId, kind).record(outcome, nanos);
	}

	@Override
	public Recorder recorder(String listenerId, String kind) {
		return this.listeners.computeIfAbsent(listenerId + '\u0000' + kind,
				(key) -> new ListenerTimers(listenerId, kind));
	}

	/** The timers of one listener, by outcome (outcomes are a handful of constants). */
	private final class ListenerTimers implements Recorder {

		private final String listenerId;

		private final String kind;

		private final Map<String, Timer> byOutcome = new ConcurrentHashMap<>();

		ListenerTimers(String listenerId, String kind) {
			this.listenerId = listenerId;
			this.kind = kind;
		}

		@Override
		public void record(String outcome, long nanos) {
			Timer timer = this.byOutcome.get(outcome);
			if (timer == null) {
				timer = this.byOutcome.computeIfAbsent(outcome, (key) -> Timer.builder(TIMER)
					.description("Time taken by listener methods, by outcome")
					.tag("listener", this.listenerId)
					.tag("kind", this.kind)
					.tag("outcome", outcome)
					.register(MicrometerListenerMetrics.this.registry));
			}
			timer.record(nanos, TimeUnit.NANOSECONDS);
		}

	}

}
