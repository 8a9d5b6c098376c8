package io.github.natsspring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.apache.commons.logging.Log;

/**
 * The jnats dispatchers a core container receives on, and where their messages are handled.
 * <ul>
 * <li><em>Lanes</em>: {@code concurrency} dispatchers, each subscribed in the queue group and handling its messages
 * on its own thread — like {@code concurrency} consumers in spring-kafka or spring-amqp, and like as many instances
 * of the application: the server spreads the messages among them. No hand-off between threads, so a message is
 * handled as fast as a plain jnats dispatcher handles it. Used when every subscription has a queue group (and for
 * concurrency 1).</li>
 * <li><em>Workers</em>: one dispatcher handing messages to {@link ListenerWorkers} — for subscriptions without a
 * queue group (every lane would receive every message) and for virtual threads.</li>
 * </ul>
 * Stopping drains every dispatcher (the server sends no more; what was delivered is still handled), then waits
 * for the handlers in flight.
 */
public final class DispatchGroup {

	/**
	 * How long, after the shutdown timeout, a dispatcher handing on to closed workers may take to reject the rest, and
	 * the handlers still running (interrupted, on platform workers) to send what they answer.
	 */
	private static final Duration AFTER_TIMEOUT_GRACE = Duration.ofSeconds(2);

	private final Connection connection;

	private final List<Dispatcher> dispatchers;

	private final ListenerWorkers workers;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final int concurrency;

	private volatile boolean closed;

	private DispatchGroup(Connection connection, List<Dispatcher> dispatchers, ListenerWorkers workers,
			int concurrency) {
		this.connection = connection;
		this.dispatchers = dispatchers;
		this.workers = workers;
		this.concurrency = concurrency;
	}

	/**
	 * Creates the dispatchers of a container.
	 * @param connection the connection
	 * @param context creates the workers when they are needed
	 * @param name the workers' thread name prefix
	 * @param concurrency how many messages may be handled at once
	 * @param lanesAllowed whether lanes may be used: every subscription the container makes has a queue group and a
	 * message may wait behind a slow one in its lane
	 * @return the group, with nothing subscribed yet
	 */
	public static DispatchGroup create(Connection connection, ListenerContext context, String name, int concurrency,
			boolean lanesAllowed) {
		if (concurrency == 1 || (lanesAllowed && !context.isVirtualThreads())) {
			List<Dispatcher> lanes = new ArrayList<>(concurrency);
			for (int i = 0; i < concurrency; i++) {
				lanes.add(connection.createDispatcher());
			}
			return new DispatchGroup(connection, lanes, null, concurrency);
		}
		return new DispatchGroup(connection, List.of(connection.createDispatcher()),
				context.createWorkers(name, concurrency), concurrency);
	}

	/**
	 * Subscribes: on every lane, or once for the workers.
	 * @param subject the subject
	 * @param queue the queue group or {@code null}
	 * @param handler handles one message
	 * @param rejected told about a message that arrived after the workers closed, or that they never got to before
	 * the stop's timeout (while stopping)
	 */
	public void subscribe(String subject, String queue, Handler handler, Handler rejected) {
		for (Dispatcher dispatcher : this.dispatchers) {
			io.nats.client.MessageHandler receive = (this.workers != null)
					? (message) -> handOver(handler, rejected, message)
					: (message) -> handleHere(handler, rejected, message);
			if (queue != null) {
				dispatcher.subscribe(subject, queue, receive);
			}
			else {
				dispatcher.subscribe(subject, receive);
			}
		}
	}

	private void handOver(Handler handler, Handler rejected, Message message) throws InterruptedException {
		boolean accepted;
		try {
			// a message the workers never get to (stopped first) is rejected too: a service answers it
			accepted = this.workers.execute(() -> handler.handle(message), () -> rejected.handle(message));
		}
		catch (InterruptedException ex) {
			// jnats closing the dispatcher (a drain that timed out) while it waited for busy workers
			rejected.handle(message);
			throw ex;
		}
		if (!accepted) {
			rejected.handle(message);
		}
	}

	private void handleHere(Handler handler, Handler rejected, Message message) {
		// counted before the check, so that a stop that closed the group and found nothing in flight misses none
		this.inFlight.incrementAndGet();
		try {
			if (this.closed) {
				rejected.handle(message);
				return;
			}
			handler.handle(message);
		}
		finally {
			this.inFlight.decrementAndGet();
		}
	}

	/**
	 * How many handlers run right now.
	 * @return the number in flight
	 */
	public int inFlight() {
		return (this.workers != null) ? this.workers.inFlight() : this.inFlight.get();
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	/**
	 * Whether messages are handled on the dispatchers' own threads.
	 * @return {@code true} for lanes
	 */
	public boolean isLanes() {
		return this.workers == null;
	}

	/**
	 * The subscriptions' pending and dropped messages, summed over the lanes.
	 * @return {@code [pending, dropped]}
	 */
	public long[] pendingAndDropped() {
		long pending = 0;
		long dropped = 0;
		for (Dispatcher dispatcher : this.dispatchers) {
			pending += dispatcher.getPendingMessageCount();
			dropped += dispatcher.getDroppedCount();
		}
		return new long[] { pending, dropped };
	}

	/**
	 * Begins draining every dispatcher, without waiting.
	 * @param timeout how long the drain may take
	 * @param logger the container's logger
	 * @param name names the container in log messages
	 * @return the stop, to {@link Stop#finish finish} later
	 */
	public Stop beginStop(Duration timeout, Log logger, String name) {
		// with workers, jnats must not close the dispatcher at the timeout: what it still holds is rejected first
		Duration drainTimeout = (this.workers != null) ? timeout.plus(AFTER_TIMEOUT_GRACE) : timeout;
		List<DispatcherDrain> drains = new ArrayList<>(this.dispatchers.size());
		for (Dispatcher dispatcher : this.dispatchers) {
			drains.add(DispatcherDrain.begin(this.connection, dispatcher, drainTimeout, logger, name));
		}
		return new Stop(drains, logger, name);
	}

	/**
	 * Closes every dispatcher at once.
	 */
	public void close() {
		this.closed = true;
		for (Dispatcher dispatcher : this.dispatchers) {
			DispatcherDrain.closeQuietly(this.connection, dispatcher);
		}
		if (this.workers != null) {
			this.workers.close(Duration.ZERO);
		}
	}

	/** Handles one message. */
	@FunctionalInterface
	public interface Handler {

		void handle(Message message);

	}

	/**
	 * A stop under way: the dispatchers drain.
	 */
	public final class Stop {

		private final List<DispatcherDrain> drains;

		private final Log logger;

		private final String name;

		private Stop(List<DispatcherDrain> drains, Log logger, String name) {
			this.drains = drains;
			this.logger = logger;
			this.name = name;
		}

		/**
		 * Waits for the drains, then for the handlers in flight until the deadline.
		 * @param deadline the {@link System#nanoTime()} by which the handlers must be done
		 * @param timeout the shutdown timeout
		 * @param what what is in flight, for the log: {@code "message"}, {@code "request"}
		 */
		public void finish(long deadline, Duration timeout, String what) {
			DispatchGroup group = DispatchGroup.this;
			if (group.workers != null) {
				finishWithWorkers(group.workers, deadline, timeout, what);
				return;
			}
			for (DispatcherDrain drain : this.drains) {
				drain.awaitDrained(timeout);
			}
			group.closed = true;
			while (group.inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
				try {
					TimeUnit.MILLISECONDS.sleep(5);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			if (group.inFlight.get() > 0) {
				this.logger.warn(this.name + " still had " + group.inFlight.get() + " " + what
						+ "(s) in flight after the shutdown timeout of " + timeout);
			}
		}

		/**
		 * Until the deadline the drain delivers and the workers handle. Then the workers close: a delivery held back
		 * by busy workers and the tasks they never started are rejected (a service answers 503), and so is every
		 * message the dispatcher still holds, as it hands them on to closed workers; only then does the drain end.
		 * Handlers still running at the deadline (interrupted on platform workers) get the rest of the same grace
		 * to answer before the connection closes.
		 */
		private void finishWithWorkers(ListenerWorkers workers, long deadline, Duration timeout, String what) {
			for (DispatcherDrain drain : this.drains) {
				drain.awaitDrainedUntil(deadline);
			}
			Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			boolean finished = workers.close(left);
			if (!finished) {
				this.logger.warn(this.name + " still had " + workers.inFlight() + " " + what
						+ "(s) in flight after the shutdown timeout of " + timeout);
			}
			long graceEnd = System.nanoTime() + AFTER_TIMEOUT_GRACE.toNanos();
			for (DispatcherDrain drain : this.drains) {
				// (awaitDrained allows a second more before it closes the dispatcher)
				drain.awaitDrained(Duration.ofNanos(Math.max(0, graceEnd - System.nanoTime())));
			}
			// what the handlers still running answer (a service interrupted at the deadline: 500) goes out before
			// the connection closes
			if (!finished && !workers.awaitIdle(graceEnd)) {
				this.logger.warn(this.name + ": " + workers.inFlight() + " " + what + "(s) still being handled "
						+ AFTER_TIMEOUT_GRACE.toSeconds() + " s after the shutdown timeout; their answers are lost when "
						+ "the connection closes");
			}
		}

	}

}
