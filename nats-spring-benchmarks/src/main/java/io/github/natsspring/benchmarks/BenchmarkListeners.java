package io.github.natsspring.benchmarks;

import java.util.concurrent.CountDownLatch;

import org.springframework.stereotype.Component;

import io.github.natsspring.annotation.NatsListener;

/**
 * The starter side's handlers: a counting subscriber and an echo responder.
 */
@Component
public class BenchmarkListeners {

	private volatile CountDownLatch received = new CountDownLatch(0);

	@NatsListener(subject = "bench.starter.pubsub")
	public void onMessage(byte[] payload) {
		this.received.countDown();
	}

	@NatsListener(subject = "bench.starter.echo")
	public byte[] echo(byte[] payload) {
		return payload;
	}

	/**
	 * Expects a number of messages.
	 * @param count how many
	 * @return a latch that opens when they all arrived
	 */
	public CountDownLatch expect(int count) {
		CountDownLatch latch = new CountDownLatch(count);
		this.received = latch;
		return latch;
	}

}
