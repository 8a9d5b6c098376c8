package io.github.natsspring.benchmarks;

import org.springframework.stereotype.Component;

import io.github.natsspring.annotation.NatsListener;

/**
 * The starter side's core listeners, one per payload type. Each only counts (and, for converted payloads, reads the
 * result, so the conversion cannot be optimised away), like the raw side's dispatcher handlers.
 */
@Component
public class BenchmarkListeners {

	static final String BYTES = "bench.starter.bytes";

	static final String STRING = "bench.starter.string";

	static final String JSON = "bench.starter.json";

	private final Countdown countdown;

	public BenchmarkListeners(Countdown countdown) {
		this.countdown = countdown;
	}

	@NatsListener(subject = BYTES)
	public void onBytes(byte[] payload) {
		this.countdown.count(payload.length);
	}

	@NatsListener(subject = STRING)
	public void onString(String payload) {
		this.countdown.count(payload.length());
	}

	@NatsListener(subject = JSON)
	public void onReading(Reading reading) {
		this.countdown.count(reading.sequence());
	}

}
