package io.github.natsspring.listener;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import org.apache.commons.logging.Log;

/**
 * Drains a jnats dispatcher: the server sends no more; messages already delivered to the client are still
 * handled. {@link #begin} does not wait, so that the registry can begin the stop of every container one after
 * another and wait for them in parallel (see {@link ListenerContainer#beginStop}); {@link DispatchGroup} then waits
 * for the drains and the handlers in flight.
 */
public final class DispatcherDrain {

	private final Connection connection;

	private final Dispatcher dispatcher;

	private final CompletableFuture<Boolean> drained;

	private final Log logger;

	private final String name;

	private DispatcherDrain(Connection connection, Dispatcher dispatcher, CompletableFuture<Boolean> drained,
			Log logger, String name) {
		this.connection = connection;
		this.dispatcher = dispatcher;
		this.drained = drained;
		this.logger = logger;
		this.name = name;
	}

	/**
	 * Begins draining the dispatcher, without waiting: unsubscribes at the server. When not connected, or when the
	 * drain cannot begin, closes the dispatcher instead.
	 * @param connection the connection
	 * @param dispatcher the dispatcher
	 * @param timeout how long the drain may take
	 * @param logger the container's logger
	 * @param name names the container in log messages, for example {@code "@NatsListener orders"}
	 * @return the drain, to {@link #finish} later
	 */
	public static DispatcherDrain begin(Connection connection, Dispatcher dispatcher, Duration timeout, Log logger,
			String name) {
		try {
			if (connection.getStatus() == Connection.Status.CONNECTED) {
				return new DispatcherDrain(connection, dispatcher, dispatcher.drain(timeout), logger, name);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Draining " + name + " failed: " + ex.getMessage());
		}
		closeQuietly(connection, dispatcher);
		return new DispatcherDrain(connection, dispatcher, CompletableFuture.completedFuture(Boolean.FALSE), logger,
				name);
	}

	/**
	 * Waits for the drain until the deadline, leaving the dispatcher as it is if it has not finished.
	 * @param deadline the {@link System#nanoTime()} to wait until
	 */
	void awaitDrainedUntil(long deadline) {
		try {
			this.drained.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// not drained yet: the caller decides
		}
	}

	/**
	 * Waits for the drain, closing the dispatcher if it does not finish in time.
	 * @param timeout the shutdown timeout
	 */
	void awaitDrained(Duration timeout) {
		try {
			this.drained.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			this.logger.warn("Draining " + this.name + " did not finish: " + ex);
			closeQuietly(this.connection, this.dispatcher);
		}
	}

	/**
	 * Closes a dispatcher, ignoring that it is closed already.
	 * @param connection the connection
	 * @param dispatcher the dispatcher, may be {@code null}
	 */
	public static void closeQuietly(Connection connection, Dispatcher dispatcher) {
		if (dispatcher == null) {
			return;
		}
		try {
			connection.closeDispatcher(dispatcher);
		}
		catch (RuntimeException ex) {
			// already closed
		}
	}

}
