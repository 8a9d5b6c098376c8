package io.github.natsspring.kv.watch;

import java.time.Duration;

import io.nats.client.api.ConsumerInfo;

/**
 * Decides, on every supervision round of a watch, whether it stopped making progress while the server holds
 * updates for it: its consumer reports pending entries ({@code num_pending}) and the watcher handled none for the
 * stall timeout, while its handler was not at work. A watch whose consumer is gone from the server (the server
 * restarted, it was deleted) is stalled at once, and so is one whose consumer goes unanswered for two rounds while
 * the bucket's stream answers (the consumer's node died): jnats would only notice after several missed
 * heartbeats.
 */
final class KvWatchStallCheck {

	private final long timeoutNanos;

	private long checkedRevision = -1;

	private long waitingSinceNanos;

	private int unanswered;

	KvWatchStallCheck(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Starts over (a new watch was created).
	 */
	void reset() {
		this.checkedRevision = -1;
		this.waitingSinceNanos = 0;
		this.unanswered = 0;
	}

	/**
	 * A round in which the server did not answer about the consumer.
	 * @return whether that happened in two rounds in a row: an R1 consumer whose node died is not answered for
	 * (no timeout, no "not found") until the meta leader removes it
	 */
	boolean unanswered() {
		return ++this.unanswered >= 2;
	}

	/**
	 * One round with the consumer's info.
	 * @param info what the server says about the watch's consumer
	 * @param lastRevision the last revision handled
	 * @param handling whether the handler is at work now
	 * @param now {@link System#nanoTime()}
	 * @return whether the watch is stalled
	 */
	boolean isStalled(ConsumerInfo info, long lastRevision, boolean handling, long now) {
		this.unanswered = 0;
		if (info.getNumPending() == 0 || handling || lastRevision != this.checkedRevision) {
			this.checkedRevision = lastRevision;
			this.waitingSinceNanos = now;
			return false;
		}
		return now - this.waitingSinceNanos >= this.timeoutNanos;
	}

}
