package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.nats.client.JetStreamStatusException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;

/**
 * The consumer thread of a durable listener: keeps pulls outstanding on one long-lived pull subscription, takes the
 * messages in order and hands each to the container, which runs it on a worker (waiting while all are busy). On
 * stop it unsubscribes (confirmed with the server) and naks what the subscription still holds.
 */
final class PullLoop {

	private final PullConsumerContainer container;

	private final JetStreamSubscription subscription;

	private final Thread thread;

	/** Set when the pull accounting must start over (consumer recreated, stalled). */
	private volatile boolean resetPulls;

	PullLoop(PullConsumerContainer container, JetStreamSubscription subscription) {
		this.container = container;
		this.subscription = subscription;
		this.thread = new Thread(this::run, "nats-js-" + container.getId());
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	boolean isAlive() {
		return this.thread.isAlive();
	}

	JetStreamSubscription subscription() {
		return this.subscription;
	}

	/**
	 * Forgets the pulls believed outstanding; the next round asks again.
	 */
	void resetPulls() {
		this.resetPulls = true;
	}

	void join(long millis) {
		try {
			this.thread.join(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		JetStreamSubscription sub = this.subscription;
		JetStreamListenerEndpoint endpoint = this.container.endpoint;
		int batch = endpoint.batchSize();
		int topUp = Math.max(1, batch / 4);
		long expiresNanos = endpoint.expires().toNanos();
		long graceNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(500), expiresNanos / 10);
		long pollNanos = TimeUnit.MILLISECONDS.toNanos(200);
		int outstanding = 0;
		long pullDeadline = 0;
		int failures = 0;
		while (this.container.isActive()) {
			try {
				long now = System.nanoTime();
				if (this.resetPulls || (outstanding > 0 && now - pullDeadline > 0)) {
					// every pull expired, was lost with the server or belongs to a consumer that is gone; what
					// already arrived still waits in the subscription
					this.resetPulls = false;
					outstanding = (int) Math.min(outstanding, sub.getPendingMessageCount());
				}
				if (batch - outstanding >= topUp) {
					int count = batch - outstanding;
					PullRequestOptions.Builder pull = PullRequestOptions.builder(count).expiresIn(endpoint.expires());
					if (endpoint.maxBytes() > 0) {
						pull.maxBytes(endpoint.maxBytes());
					}
					sub.pull(pull.build());
					outstanding += count;
					pullDeadline = now + expiresNanos + graceNanos;
				}
				long wait = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(pollNanos, pullDeadline - now));
				long before = System.nanoTime();
				Message message = sub.nextMessage(Duration.ofNanos(wait));
				if (message == null) {
					if (System.nanoTime() - before < wait - TimeUnit.MILLISECONDS.toNanos(2)) {
						// a pull ended early (expired at the server, or refused): ask again
						outstanding = (int) Math.min(outstanding, sub.getPendingMessageCount());
					}
					continue;
				}
				failures = 0;
				outstanding = Math.max(0, outstanding - 1);
				this.container.activity();
				boolean taken;
				try {
					taken = this.container.workers.execute(() -> this.container.handle(message));
				}
				catch (InterruptedException ex) {
					this.container.nakQuietly(message);
					throw ex;
				}
				if (!taken) {
					this.container.nakQuietly(message);
				}
			}
			catch (JetStreamStatusException ex) {
				// for example 409 Consumer Deleted: the supervisor reports and recreates it
				outstanding = (int) Math.min(outstanding, sub.getPendingMessageCount());
				this.container.logger.debug(this.container.what() + ": pull ended with " + ex.getMessage());
				backOff(++failures);
			}
			catch (IllegalStateException ex) {
				// the connection closed or is reconnecting with a full buffer
				outstanding = 0;
				if (!this.container.isActive()) {
					break;
				}
				this.container.logger.debug(this.container.what() + ": cannot pull now: " + ex.getMessage());
				backOff(++failures);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (RuntimeException ex) {
				this.container.logger.warn(this.container.what() + ": pulling failed: " + ex, ex);
				backOff(++failures);
			}
		}
		drainAndNak(sub);
	}

	private void backOff(int failures) {
		long millis = Math.min(2000, 100L << Math.min(failures, 5));
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (this.container.isActive() && System.nanoTime() < until) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	/**
	 * Stops the server from sending more (the unsubscribe is confirmed by a flush), then naks every message the
	 * subscription still holds, so that another instance gets them without waiting for the ack wait.
	 */
	private void drainAndNak(JetStreamSubscription sub) {
		try {
			if (this.container.isConnected()) {
				sub.drain(Duration.ofSeconds(2));
			}
			for (int empty = 0; empty < 2;) {
				Message message = sub.nextMessage(Duration.ofMillis(20));
				if (message == null) {
					empty = (sub.getPendingMessageCount() == 0) ? empty + 1 : 0;
					continue;
				}
				this.container.nakQuietly(message);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			// unsubscribed meanwhile, or the connection is gone: the ack wait brings the rest back
		}
		finally {
			try {
				if (sub.isActive()) {
					sub.unsubscribe();
				}
			}
			catch (RuntimeException ex) {
				// already gone
			}
		}
	}

}
