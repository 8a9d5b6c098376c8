package io.github.natsspring.listener;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import org.apache.commons.logging.Log;

/**
 * Stops a container that receives on a jnats dispatcher and hands messages to {@link ListenerWorkers}: first the
 * dispatcher drains (the server sends no more; messages already delivered to the client are still handled), then
 * the workers finish what is in flight. {@link #begin} does not wait, so that the registry can begin the stop of
 * every container one after another and wait for them in parallel (see {@link ListenerContainer#beginStop}).
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
	 * Waits for the drain (closing the dispatcher if it does not finish), then for the messages in flight until the
	 * deadline, and closes the workers.
	 * @param workers the container's workers
	 * @param deadline the {@link System#nanoTime()} by which the messages in flight must be done
	 * @param timeout the shutdown timeout
	 * @param what what is in flight, for the log: {@code "message"}, {@code "request"}
	 */
	public void finish(ListenerWorkers workers, long deadline, Duration timeout, String what) {
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
		Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
		if (!workers.close(left)) {
			this.logger.warn(this.name + " still had " + workers.inFlight() + " " + what
					+ "(s) in flight after the shutdown timeout of " + timeout);
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
