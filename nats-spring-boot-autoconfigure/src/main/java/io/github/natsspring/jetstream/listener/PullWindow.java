package io.github.natsspring.jetstream.listener;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many messages a durable listener keeps asked for and held at once: its batch size, or — when the batch size is
 * the default — more, as long as its handlers settle that many within half a second. A small window bounds what one
 * instance holds back from the others behind slow handlers; a large one keeps the pipeline from the server full
 * when handlers are fast (jnats' {@code consume()} asks for 500 at a time: with a fixed window of 100 the listener
 * reached 0.64-0.72x its throughput, with 500 1.02x). The window follows the rate at which messages are settled,
 * measured over rounds of at least 50 ms; it never goes below the batch size or above the maximum.
 * Used by the one thread that pulls.
 */
final class PullWindow {

	/** How far a default batch may grow: what jnats' simplified consume() asks for by default. */
	static final int DEFAULT_MAX_BATCH = 500;

	/** What the window may hold, in time at the current rate of settling. */
	private static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private long roundStartNanos;

	private long settledAtRoundStart = -1;

	private int window;

	/**
	 * The window now.
	 * @param settings the pull settings (batch size and maximum)
	 * @param settled messages settled so far (a counter that only grows), read once per round
	 * @param now {@link System#nanoTime()}
	 * @return how many messages may be asked for and held at once
	 */
	int size(PullSettings settings, LongSupplier settled, long now) {
		if (settings.maxBatch() <= settings.batchSize()) {
			return settings.batchSize();
		}
		if (this.settledAtRoundStart < 0) {
			this.settledAtRoundStart = settled.getAsLong();
			this.roundStartNanos = now;
			this.window = settings.batchSize();
		}
		long elapsed = now - this.roundStartNanos;
		if (elapsed >= ROUND_NANOS) {
			long settledNow = settled.getAsLong();
			double perNano = (double) (settledNow - this.settledAtRoundStart) / elapsed;
			long wanted = (long) (perNano * HOLD_NANOS);
			this.window = (int) Math.max(settings.batchSize(), Math.min(settings.maxBatch(), wanted));
			this.settledAtRoundStart = settledNow;
			this.roundStartNanos = now;
		}
		return Math.max(settings.batchSize(), Math.min(settings.maxBatch(), this.window));
	}

	/**
	 * When to ask for more: once a quarter of the window was taken.
	 * @param window the window now
	 * @return the smallest pull
	 */
	static int topUp(int window) {
		return Math.max(1, window / 4);
	}

}
