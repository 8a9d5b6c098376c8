package io.github.natsspring.listener;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds how many tasks a delivery thread has handed to a worker pool (queued or running). Once the bound is
 * reached the delivery thread waits until the pool has caught up to {@code resumeAt} tasks, so a busy pool wakes it
 * once per {@code limit - resumeAt} tasks. A semaphore the size of the pool would wake it after every task, and the
 * wake-ups (futex calls, a context switch each) were the largest cost of a service answering 500 requests in flight.
 * <p>
 * Meant for one delivery thread (a jnats dispatcher); with more, the bound may be passed by one task per extra thread.
 */
final class HandOffGate {

	/** Waits are sliced so that a missed signal costs at most this long. */
	private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final int limit;

	private final int resumeAt;

	private final AtomicInteger accepted = new AtomicInteger();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition caughtUp = this.lock.newCondition();

	/** Delivery threads waiting for the pool to catch up; written under the lock. */
	private volatile int waiting;

	private volatile boolean closed;

	/**
	 * @param limit how many tasks may be handed over and not yet finished
	 * @param resumeAt how few must be left before a waiting delivery thread goes on
	 */
	HandOffGate(int limit, int resumeAt) {
		this.limit = limit;
		this.resumeAt = resumeAt;
	}

	/**
	 * Counts a task in, waiting first while the bound is reached.
	 * @throws InterruptedException if interrupted while waiting
	 */
	void enter() throws InterruptedException {
		if (this.accepted.get() >= this.limit) {
			awaitCaughtUp();
		}
		this.accepted.incrementAndGet();
	}

	private void awaitCaughtUp() throws InterruptedException {
		this.lock.lock();
		try {
			this.waiting++;
			// the count is read after the waiting flag is written, and a finishing task writes the count before
			// it reads the flag: one of the two always sees the other
			while (this.accepted.get() > this.resumeAt && !this.closed) {
				this.caughtUp.awaitNanos(WAIT_SLICE_NANOS);
			}
		}
		finally {
			this.waiting--;
			this.lock.unlock();
		}
	}

	/**
	 * Counts a task out (finished, or not handed over after all).
	 */
	void exit() {
		int left = this.accepted.decrementAndGet();
		if (this.waiting > 0 && left <= this.resumeAt) {
			wakeWaiting();
		}
	}

	/**
	 * Stops any wait: a delivery thread held back goes on at once (and finds the workers closed).
	 */
	void close() {
		this.closed = true;
		wakeWaiting();
	}

	private void wakeWaiting() {
		this.lock.lock();
		try {
			this.caughtUp.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * How many tasks were handed over and are not finished yet.
	 * @return queued and running tasks
	 */
	int accepted() {
		return this.accepted.get();
	}

}
