package io.github.natsspring.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Runs a listener's handlers with at most {@code concurrency} in flight and knows when they are done.
 * With concurrency 1 the handler runs on the calling (delivery) thread, which keeps messages in order; with more,
 * on platform worker threads or, when virtual threads are enabled, on virtual threads. {@link #execute} pushes back
 * on the delivery thread instead of queueing without bound: on virtual threads it blocks while {@code concurrency}
 * handlers run; on platform workers once as many tasks again wait behind busy workers, until the workers have caught
 * up (a {@link HandOffGate}: a busy pool wakes the delivery thread once per {@code concurrency} tasks, not per task).
 * A task handed over is never dropped silently: stopping waits for it, and one the workers never got to before the
 * stop's timeout is given back to its caller's {@code ifNeverRun} (a service answers it with 503).
 */
public final class ListenerWorkers {

	private static final Log logger = LogFactory.getLog(ListenerWorkers.class);

	/** How often a delivery thread waiting for a free handler checks whether the workers were closed. */
	private static final long CLOSED_CHECK_MILLIS = 50;

	private final String name;

	private final int concurrency;

	private final Semaphore permits;

	private final Executor executor;

	private final ExecutorService ownedPool;

	/** Bounds the tasks handed to the owned pool; {@code null} without one. */
	private final HandOffGate handOff;

	private final boolean virtualThreads;

	private volatile boolean closed;

	/**
	 * Creates workers.
	 * @param name prefix of the worker threads' names
	 * @param concurrency how many handlers may run at once, at least 1
	 * @param virtualThreads whether to run handlers on virtual threads (Java 21+)
	 */
	public ListenerWorkers(String name, int concurrency, boolean virtualThreads) {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
		}
		this.name = name;
		this.concurrency = concurrency;
		this.permits = new Semaphore(concurrency);
		this.virtualThreads = virtualThreads && concurrency > 1;
		if (concurrency == 1) {
			this.executor = Runnable::run;
			this.ownedPool = null;
			this.handOff = null;
		}
		else if (virtualThreads) {
			this.executor = new VirtualThreadTaskExecutor(name + "-");
			this.ownedPool = null;
			this.handOff = null;
		}
		else {
			this.ownedPool = Executors.newFixedThreadPool(concurrency, threadFactory(name));
			this.executor = this.ownedPool;
			this.handOff = new HandOffGate(2 * concurrency, concurrency);
		}
	}

	private static ThreadFactory threadFactory(String name) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Runs the task once a worker is free; blocks the caller until then.
	 * @param task the handling of one message
	 * @return {@code false} if the workers are closed and the task was not run
	 * @throws InterruptedException if interrupted while waiting for a worker
	 */
	public boolean execute(Runnable task) throws InterruptedException {
		return execute(task, () -> {
		});
	}

	/**
	 * Runs the task once a worker is free, as {@link #execute(Runnable)}; a task accepted but never started because
	 * the workers were stopped before they got to it runs {@code ifNeverRun} instead, on the stopping thread.
	 * @param task the handling of one message
	 * @param ifNeverRun tells the message's sender, for example
	 * @return {@code false} if the workers are closed and the task was not run (nor {@code ifNeverRun})
	 * @throws InterruptedException if interrupted while waiting for a worker
	 */
	public boolean execute(Runnable task, Runnable ifNeverRun) throws InterruptedException {
		if (this.closed) {
			return false;
		}
		if (this.handOff != null) {
			return handOver(task, ifNeverRun);
		}
		if (!acquireUnlessClosed()) {
			return false;
		}
		try {
			this.executor.execute(() -> {
				try {
					task.run();
				}
				finally {
					this.permits.release();
				}
			});
			return true;
		}
		catch (RuntimeException ex) {
			this.permits.release();
			throw ex;
		}
	}

	/**
	 * Waits for a free handler. A close ends the wait within {@link #CLOSED_CHECK_MILLIS}: handlers that outlive the
	 * shutdown timeout must not keep the delivery thread, and what jnats still holds behind it, waiting until the
	 * dispatcher is closed (the held messages would be lost instead of rejected).
	 */
	private boolean acquireUnlessClosed() throws InterruptedException {
		while (!this.permits.tryAcquire(CLOSED_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
			if (this.closed) {
				return false;
			}
		}
		if (this.closed) {
			// closed while we waited for a worker
			this.permits.release();
			return false;
		}
		return true;
	}

	private boolean handOver(Runnable task, Runnable ifNeverRun) throws InterruptedException {
		this.handOff.enter();
		if (this.closed) {
			this.handOff.exit();
			return false;
		}
		try {
			this.ownedPool.execute(new HandedOver(task, ifNeverRun, this.handOff));
			return true;
		}
		catch (RuntimeException ex) {
			this.handOff.exit();
			throw ex;
		}
	}

	/**
	 * Runs the task on the calling thread once a worker is free, counted like a task given to {@link #execute}: for
	 * callers that are themselves one of {@code concurrency} threads taking work from a shared queue, which saves a
	 * hand-off per message.
	 * @param task the handling of one message
	 * @return {@code false} if the workers are closed and the task was not run
	 * @throws InterruptedException if interrupted while waiting for a worker
	 */
	public boolean run(Runnable task) throws InterruptedException {
		if (this.closed) {
			return false;
		}
		this.permits.acquire();
		try {
			if (this.closed) {
				return false;
			}
			task.run();
			return true;
		}
		finally {
			this.permits.release();
		}
	}

	/**
	 * Whether handlers run on virtual threads (then callers should hand them over with {@link #execute}).
	 * @return {@code true} with virtual threads enabled and concurrency above 1
	 */
	public boolean usesVirtualThreads() {
		return this.virtualThreads;
	}

	/**
	 * How many handlers run right now (tasks handed to busy platform workers count until {@code concurrency}).
	 * @return the number in flight
	 */
	public int inFlight() {
		int taken = this.concurrency - this.permits.availablePermits();
		if (this.handOff != null) {
			taken += this.handOff.accepted();
		}
		return Math.min(taken, this.concurrency);
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	/**
	 * Takes no more tasks and waits for those in flight.
	 * @param timeout how long to wait
	 * @return {@code true} if all finished in time
	 */
	public boolean close(Duration timeout) {
		this.closed = true;
		if (this.handOff != null) {
			// a delivery thread held back by busy workers must not wait for them: what it holds is rejected
			this.handOff.close();
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean finished;
		try {
			finished = this.permits.tryAcquire(this.concurrency, timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (finished) {
				this.permits.release(this.concurrency);
			}
			if (this.handOff != null) {
				finished &= awaitHandedOver(deadline);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			finished = false;
		}
		if (this.ownedPool != null) {
			this.ownedPool.shutdown();
			if (!finished) {
				List<Runnable> neverRun = this.ownedPool.shutdownNow();
				if (!neverRun.isEmpty()) {
					logger.warn(neverRun.size() + " message(s) handed to the workers of " + this.name
							+ " were not handled: the workers stopped before they got to them");
					neverRun.forEach(ListenerWorkers::giveBack);
				}
			}
		}
		return finished;
	}

	/**
	 * Waits until no handler runs, at most until the deadline: after a {@link #close} that timed out, for the
	 * handlers still running to return (on platform workers the close interrupted them; virtual threads are not
	 * interrupted).
	 * @param deadline the {@link System#nanoTime()} to wait until
	 * @return {@code true} if no handler runs
	 */
	public boolean awaitIdle(long deadline) {
		try {
			if (!this.permits.tryAcquire(this.concurrency, Math.max(0, deadline - System.nanoTime()),
					TimeUnit.NANOSECONDS)) {
				return false;
			}
			this.permits.release(this.concurrency);
			return this.handOff == null || awaitHandedOver(deadline);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void giveBack(Runnable neverRun) {
		if (neverRun instanceof HandedOver handedOver) {
			try {
				handedOver.giveBack();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not tell the sender of a message that was not handled", ex);
			}
		}
	}

	private boolean awaitHandedOver(long deadline) throws InterruptedException {
		while (this.handOff.accepted() > 0) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			TimeUnit.MILLISECONDS.sleep(2);
		}
		return true;
	}

	/**
	 * A task in the pool's queue, with what to do if the pool is stopped before it runs.
	 */
	private record HandedOver(Runnable task, Runnable ifNeverRun, HandOffGate gate) implements Runnable {

		@Override
		public void run() {
			try {
				this.task.run();
			}
			finally {
				this.gate.exit();
			}
		}

		void giveBack() {
			try {
				this.ifNeverRun.run();
			}
			finally {
				this.gate.exit();
			}
		}

	}

}
