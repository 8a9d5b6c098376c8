package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.nats.client.JetStreamStatusException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;

/**
 * How a durable listener takes messages from its consumer: two threads on one long-lived pull subscription.
 * <p>
 * The <em>receiver</em> keeps pulls open ({@link PullRequests}: what is open at the server plus what the client
 * holds stays within the pull window — the batch, or more while handlers keep up ({@link PullWindow}); it asks
 * again once a quarter was taken) and takes every message as soon as it
 * arrives: from then on the container holds it as a {@link Delivery} and keeps it in progress at the server while it
 * waits. Pulls carry no heartbeat: a pull lost with a server restart expires on the client ({@code expires} plus a
 * grace period) and is asked again. A pull the server ends at once without a message (the next message is larger
 * than the pull's max bytes, for example) is not repeated at once: the receiver backs off and warns. Failed pulls
 * (consumer deleted, connection closed) back off too.
 * <p>
 * The <em>dispatchers</em> hand the held messages to the method in the order they came: one per worker, each
 * running the method itself (with concurrency 1 that is stream order); with virtual threads one dispatcher that
 * starts a handler per message, waiting while all are busy. Nothing held is dropped: jnats'
 * simplified {@code consume()} re-subscribes when slow handlers keep it from pulling for a while and discards what it
 * had buffered (reordering, higher delivery counts), which is why the listener does not use it.
 * <p>
 * On stop the receiver stops pulling, unsubscribes (confirmed with the server) and naks what the subscription still
 * holds; the dispatcher naks what was not handed out yet, so another instance gets those messages at once.
 */
final class PullLoop {

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	/**
	 * The longest pause after pulls the server ended at once: short enough that a listener resumes soon after a
	 * consumer leader election (pulls end with 503 No Responders until there is a leader), long enough not to spin.
	 */
	private static final long MAX_EARLY_END_PAUSE_MILLIS = 2000;

	private final PullConsumerContainer container;

	private final JetStreamSubscription subscription;

	private final BlockingQueue<Delivery> held = new LinkedBlockingQueue<>();

	private final PullRequests pulls = new PullRequests();

	private final PullWindow window = new PullWindow();

	/** The container's settled count, for the window (made once: a method reference per round would allocate). */
	private final LongSupplier settledCount;

	/** The pull window as the receiver last sized it (health). */
	private volatile int windowSize;

	private final Thread receiver;

	private final Thread[] dispatchers;

	/** Whether each dispatcher runs the method itself (one of {@code concurrency} threads) instead of handing over. */
	private final boolean dispatchersHandle;

	/** Set when the pull accounting must start over (consumer recreated, stalled). */
	private volatile boolean resetPulls;

	/** Messages asked for in pulls believed open, as the receiver last counted them (for the stall warning). */
	private volatile int pullsOpen;

	/**
	 * While the receiver parks for room in the window: how few held messages make room for a top-up; -1 while it
	 * does not park. The dispatchers wake it only then: waking it after every message (LockSupport.unpark was the
	 * top frame of the listener's profile) only made it park again, as it mostly waits in jnats' queue.
	 */
	private volatile int wakeAtHeld = -1;

	/** Set when the container replaced this loop. */
	private volatile boolean retired;

	private long lastStatusWarning;

	private String lastStatus;

	private long lastEarlyEndWarning;

	PullLoop(PullConsumerContainer container, JetStreamSubscription subscription) {
		this.container = container;
		this.subscription = subscription;
		this.settledCount = container::settledCount;
		this.receiver = new Thread(this::receive, "nats-js-" + container.getId());
		this.receiver.setDaemon(true);
		// with platform workers, as many dispatchers as workers, each running the method itself: handing each
		// message to a pool cost a semaphore, a queue and a wake-up per message (concurrency 4 ran at 0.37x raw
		// jnats). Virtual threads keep one dispatcher that starts a virtual thread per message.
		int count = container.workers.usesVirtualThreads() ? 1 : container.workers.getConcurrency();
		this.dispatchersHandle = !container.workers.usesVirtualThreads();
		this.dispatchers = new Thread[count];
		for (int i = 0; i < count; i++) {
			String name = "nats-js-" + container.getId() + "-dispatch" + ((count > 1) ? "-" + (i + 1) : "");
			this.dispatchers[i] = new Thread(this::dispatch, name);
			this.dispatchers[i].setDaemon(true);
		}
	}

	void start() {
		this.receiver.start();
		for (Thread dispatcher : this.dispatchers) {
			dispatcher.start();
		}
	}

	boolean isAlive() {
		if (!this.receiver.isAlive()) {
			return false;
		}
		for (Thread dispatcher : this.dispatchers) {
			if (!dispatcher.isAlive()) {
				return false;
			}
		}
		return true;
	}

	JetStreamSubscription subscription() {
		return this.subscription;
	}

	/**
	 * Messages received and not handed to a worker yet.
	 * @return how many
	 */
	int waiting() {
		return this.held.size();
	}

	int pullsOpen() {
		return this.pullsOpen;
	}

	int windowSize() {
		return this.windowSize;
	}

	/**
	 * Forgets the pulls believed open; the next round asks again.
	 */
	void resetPulls() {
		this.resetPulls = true;
	}

	/**
	 * Ends this loop (its threads finish as on stop); for a loop the container replaces.
	 */
	void retire() {
		this.retired = true;
	}

	void join(long millis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		try {
			this.receiver.join(Math.max(1, millis));
			for (Thread dispatcher : this.dispatchers) {
				dispatcher.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean active() {
		return !this.retired && this.container.isActive();
	}

	// --- receiver --------------------------------------------------------------------------------------------------

	private void receive() {
		JetStreamSubscription sub = this.subscription;
		int failures = 0;
		int emptyEnds = 0;
		long backOffUntil = System.nanoTime();
		while (active()) {
			try {
				PullSettings settings = this.container.pullSettings();
				long expiresNanos = settings.expires().toNanos();
				long now = System.nanoTime();
				if (this.resetPulls) {
					// the consumer was recreated or the pull stalled: what was asked for is gone with it
					this.resetPulls = false;
					this.pulls.clear();
				}
				this.pulls.expire(now);
				int window = this.window.size(settings, this.settledCount, now);
				this.windowSize = window;
				int free = window - this.pulls.requested() - this.held.size();
				if (free >= PullWindow.topUp(window) && now - backOffUntil >= 0) {
					PullRequestOptions.Builder pull = PullRequestOptions.builder(free).expiresIn(settings.expires());
					if (settings.maxBytes() > 0) {
						pull.maxBytes(settings.maxBytes());
					}
					sub.pull(pull.build());
					this.pulls.issued(free, now, expiresNanos, grace(expiresNanos));
				}
				this.pullsOpen = this.pulls.requested();
				if (this.pulls.isEmpty()) {
					// nothing asked for: the dispatcher wakes us when it made room, or the back-off ends
					this.wakeAtHeld = (now - backOffUntil >= 0) ? window - PullWindow.topUp(window) : -1;
					if (this.wakeAtHeld < 0 || this.held.size() > this.wakeAtHeld) {
						LockSupport.parkNanos(this, Math.max(1, Math.min(POLL_NANOS, backOffUntil - now)));
					}
					this.wakeAtHeld = -1;
					continue;
				}
				long wait = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
						Math.min(POLL_NANOS, this.pulls.nextDeadline(now + POLL_NANOS) - now));
				long before = System.nanoTime();
				Message message = sub.nextMessage(Duration.ofNanos(wait));
				if (message == null) {
					long after = System.nanoTime();
					if (after - before < wait - TimeUnit.MILLISECONDS.toNanos(2)
							&& this.pulls.ended(after, Math.max(TimeUnit.MILLISECONDS.toNanos(100), expiresNanos / 10))
							&& sub.getPendingMessageCount() == 0) {
						// the server ended a pull at once without a message: asking again at once would spin.
						// Not when more waits in the subscription: a new consumer leader ends every pull the old
						// one had open (409 Leadership Change) at once, and backing off for each of those stale
						// ends, one at a time, left the messages delivered since waiting behind them for minutes.
						emptyEnds++;
						backOffUntil = after + TimeUnit.MILLISECONDS.toNanos(Math.min(MAX_EARLY_END_PAUSE_MILLIS,
								100L << Math.min(emptyEnds - 1, 5)));
						warnEarlyEnds(emptyEnds, settings);
					}
					continue;
				}
				failures = 0;
				emptyEnds = 0;
				this.pulls.received();
				this.held.add(this.container.received(message));
				this.container.activity();
			}
			catch (JetStreamStatusException ex) {
				// for example 409 Consumer Deleted: the supervisor reports and recreates it
				this.pulls.clear();
				warnStatus(ex.getMessage());
				backOff(++failures);
			}
			catch (IllegalStateException ex) {
				// the connection closed or is reconnecting with a full buffer
				this.pulls.clear();
				if (!active()) {
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

	private static long grace(long expiresNanos) {
		return Math.max(TimeUnit.MILLISECONDS.toNanos(500), expiresNanos / 10);
	}

	private void warnStatus(String status) {
		long now = System.nanoTime();
		if (!status.equals(this.lastStatus) || now - this.lastStatusWarning > WARN_INTERVAL_NANOS) {
			this.container.logger.warn(this.container.what() + ": a pull on " + this.container.consumerName()
					+ " ended with " + status + "; pulling again after a pause");
			this.lastStatus = status;
			this.lastStatusWarning = now;
		}
		else {
			this.container.logger.debug(this.container.what() + ": pull ended with " + status);
		}
	}

	private void warnEarlyEnds(int count, PullSettings settings) {
		long now = System.nanoTime();
		if (count < 3 || (this.lastEarlyEndWarning != 0 && now - this.lastEarlyEndWarning < WARN_INTERVAL_NANOS)) {
			return;
		}
		this.lastEarlyEndWarning = now;
		this.container.logger.warn(this.container.what() + ": pulls on " + this.container.consumerName()
				+ " end at once without delivering a message (" + count + " in a row)"
				+ ((settings.maxBytes() > 0) ? "; the consumer's next message is probably larger than maxBytes ("
						+ settings.maxBytes() + "), raise maxBytes to receive it" : "")
				+ ". Pulling again after a pause of up to " + MAX_EARLY_END_PAUSE_MILLIS / 1000 + "s.");
	}

	private void backOff(int failures) {
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(2000, 100L << Math.min(failures, 5)));
		while (active() && System.nanoTime() - until < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	/**
	 * Stops the server from sending more (the unsubscribe is confirmed by a flush), then naks every message the
	 * subscription and the loop still hold, so that another instance gets them without waiting for the ack wait.
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
				this.container.giveBack(this.container.received(message));
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
			giveBackHeld();
		}
	}

	private void giveBackHeld() {
		for (Delivery delivery = this.held.poll(); delivery != null; delivery = this.held.poll()) {
			this.container.giveBack(delivery);
		}
	}

	// --- dispatcher ------------------------------------------------------------------------------------------------

	private void dispatch() {
		while (true) {
			Delivery delivery;
			try {
				delivery = this.held.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			if (delivery == null) {
				if (!active() && !this.receiver.isAlive()) {
					break;
				}
				continue;
			}
			int wakeAt = this.wakeAtHeld;
			if (wakeAt >= 0 && this.held.size() <= wakeAt) {
				LockSupport.unpark(this.receiver);
			}
			if (!active()) {
				this.container.giveBack(delivery);
				continue;
			}
			try {
				Runnable handling = () -> this.container.handle(delivery);
				boolean taken = this.dispatchersHandle ? this.container.workers.run(handling)
						: this.container.workers.execute(handling);
				if (!taken) {
					this.container.giveBack(delivery);
				}
			}
			catch (InterruptedException ex) {
				this.container.giveBack(delivery);
				Thread.currentThread().interrupt();
				break;
			}
			catch (RuntimeException ex) {
				// the workers are shutting down
				this.container.giveBack(delivery);
			}
		}
		giveBackHeld();
	}

}
