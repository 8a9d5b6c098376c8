package io.github.natsspring.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

/**
 * Counts the messages a round expects, for both sides alike; what handlers read is summed so no conversion is
 * optimised away.
 */
@Component
public class Countdown {

	private volatile CountDownLatch latch = new CountDownLatch(0);

	private volatile long sink;

	/**
	 * Starts a round.
	 * @param count how many messages it expects
	 */
	public void expect(int count) {
		this.latch = new CountDownLatch(count);
	}

	public void count(long value) {
		this.sink += value;
		this.latch.countDown();
	}

	/**
	 * Waits for every expected message.
	 * @param what names the round in the error
	 * @throws InterruptedException if interrupted
	 */
	public void await(String what) throws InterruptedException {
		CountDownLatch current = this.latch;
		if (!current.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException(what + ": " + current.getCount() + " messages never arrived");
		}
	}

	long sink() {
		return this.sink;
	}

}
