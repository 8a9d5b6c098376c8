package io.github.natsspring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsLifecyclePhases;

/**
 * Owns one {@link ListenerContainer} per endpoint. Starts them once the connection is up (right away at startup
 * when NATS is reachable, otherwise as soon as it connects) and, on shutdown, stops them before the connection
 * drains, letting in-flight messages finish.
 * <p>
 * Starting and stopping containers happens under one lock, so a late connection that starts containers cannot race
 * with shutdown and leave a container running.
 */
public class NatsListenerEndpointRegistry implements DisposableBean, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(NatsListenerEndpointRegistry.class);

	private final Object lifecycleMonitor = new Object();

	/** Guards the maps only, so health checks never wait for a slow start or stop. */
	private final Object registryMonitor = new Object();

	private final Map<String, NatsListenerEndpoint> endpoints = new LinkedHashMap<>();

	private final Map<String, ListenerContainer> containers = new LinkedHashMap<>();

	/** Containers of {@code autoStartup = false} endpoints that were started on request: expected to run since. */
	private final Set<String> startedOnRequest = ConcurrentHashMap.newKeySet();

	private final NatsConnectionManager connectionManager;

	private final ListenerContext context;

	private final boolean autoStartup;

	private final int phase;

	private final Duration shutdownTimeout;

	private volatile boolean running;

	/**
	 * Creates the registry of the annotated listeners: phase {@link NatsLifecyclePhases#LISTENERS}, the listeners'
	 * shutdown timeout.
	 * @param connectionManager the connection
	 * @param context the listener infrastructure
	 * @param autoStartup whether the containers start with the application
	 */
	public NatsListenerEndpointRegistry(NatsConnectionManager connectionManager, ListenerContext context,
			boolean autoStartup) {
		this(connectionManager, context, autoStartup, NatsLifecyclePhases.LISTENERS, null);
	}

	/**
	 * Creates a registry for another kind of endpoint, such as services, that starts and stops in a phase of its
	 * own. Not a bean of its own: its owner drives it, so that it does not clash with the listeners' registry.
	 * @param connectionManager the connection
	 * @param context the listener infrastructure
	 * @param autoStartup whether the containers start with the application
	 * @param phase the lifecycle phase, one of {@link NatsLifecyclePhases}
	 * @param shutdownTimeout how long containers may take to finish in-flight messages on stop; {@code null} for
	 * the listeners' ({@link ListenerContext#getShutdownTimeout()})
	 */
	public NatsListenerEndpointRegistry(NatsConnectionManager connectionManager, ListenerContext context,
			boolean autoStartup, int phase, Duration shutdownTimeout) {
		this.connectionManager = connectionManager;
		this.context = context;
		this.autoStartup = autoStartup;
		this.phase = phase;
		this.shutdownTimeout = shutdownTimeout;
	}

	private Duration getShutdownTimeout() {
		return (this.shutdownTimeout != null) ? this.shutdownTimeout : this.context.getShutdownTimeout();
	}

	/**
	 * Registers an endpoint; if the registry already runs, its container starts once connected.
	 * @param endpoint the endpoint
	 * @throws IllegalStateException if another endpoint has the same id
	 */
	public void registerEndpoint(NatsListenerEndpoint endpoint) {
		ListenerContainer container;
		synchronized (this.registryMonitor) {
			NatsListenerEndpoint existing = this.endpoints.putIfAbsent(endpoint.getId(), endpoint);
			if (existing != null) {
				throw new IllegalStateException("Two listeners have the id '" + endpoint.getId() + "': "
						+ existing.describe() + " and " + endpoint.describe() + ". Give one of them another id.");
			}
			container = endpoint.createContainer(this.context);
			this.containers.put(endpoint.getId(), container);
		}
		if (this.running && endpoint.isAutoStartup()) {
			this.connectionManager.whenConnected((connection) -> startContainers(List.of(container), connection));
		}
	}

	@Override
	public void start() {
		List<ListenerContainer> toStart;
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			synchronized (this.registryMonitor) {
				toStart = this.endpoints.values()
					.stream()
					.filter(NatsListenerEndpoint::isAutoStartup)
					.map((endpoint) -> this.containers.get(endpoint.getId()))
					.toList();
			}
		}
		if (!toStart.isEmpty()) {
			Thread starter = Thread.currentThread();
			// connected now: a container that cannot start fails startup, with its reason (a configuration error);
			// connected later, in the background: it is logged and health shows it DOWN
			this.connectionManager.whenConnected((connection) -> startContainers(toStart, connection,
					Thread.currentThread() == starter));
		}
	}

	private void startContainers(List<ListenerContainer> toStart, Connection connection) {
		startContainers(toStart, connection, false);
	}

	/**
	 * Starts containers that are not running yet (unless the registry stopped meanwhile). Unless failures should
	 * propagate, one failing container does not keep the others from starting.
	 */
	private void startContainers(List<ListenerContainer> toStart, Connection connection, boolean propagateFailures) {
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				return;
			}
			boolean started = false;
			for (ListenerContainer container : toStart) {
				if (container.isRunning()) {
					continue;
				}
				try {
					container.start(connection);
					started = true;
				}
				catch (RuntimeException ex) {
					if (propagateFailures) {
						throw ex;
					}
					logger.error("Listener " + container.getId() + " could not start; health shows it DOWN", ex);
				}
			}
			if (started) {
				confirmSubscriptions(connection);
			}
		}
	}

	/**
	 * Waits until the server has processed the subscriptions just made, so that once startup completes a message
	 * published from anywhere reaches the listeners. One flush for all containers: jnats counts concurrent
	 * flushes as outstanding pings.
	 */
	private static void confirmSubscriptions(Connection connection) {
		try {
			connection.flush(Duration.ofSeconds(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Could not confirm the listeners' subscriptions with the server: " + ex.getMessage());
		}
	}

	/**
	 * Starts one container: one declared with {@code autoStartup = false}, or one stopped with
	 * {@link #stopContainer(String)}. From then on it is expected to run: health reports it DOWN when it doesn't.
	 * @param id the endpoint id
	 */
	public void startContainer(String id) {
		ListenerContainer container = requireContainer(id);
		this.startedOnRequest.add(id);
		this.connectionManager.whenConnected((connection) -> startContainers(List.of(container), connection));
	}

	/**
	 * Stops one container, letting its in-flight messages finish. A stopped listener consumes nothing, so health
	 * reports it DOWN until it is started again.
	 * @param id the endpoint id
	 */
	public void stopContainer(String id) {
		ListenerContainer container = requireContainer(id);
		synchronized (this.lifecycleMonitor) {
			if (container.isRunning()) {
				container.stop(getShutdownTimeout());
			}
		}
	}

	/**
	 * Stops one container, as {@link #stopContainer(String)}, that is not expected to run again until
	 * {@link #startContainer(String) started} again: health reports it UNKNOWN rather than DOWN (a leader-only
	 * listener on an instance that no longer leads, for example).
	 * @param id the endpoint id
	 */
	public void stopContainerUntilStarted(String id) {
		requireContainer(id);
		this.startedOnRequest.remove(id);
		stopContainer(id);
	}

	private ListenerContainer requireContainer(String id) {
		synchronized (this.registryMonitor) {
			ListenerContainer container = this.containers.get(id);
			if (container == null) {
				throw new IllegalArgumentException("No listener with id '" + id + "'");
			}
			return container;
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			Duration timeout = getShutdownTimeout();
			List<ListenerContainer> active = getContainers().stream().filter(ListenerContainer::isRunning).toList();
			// first every container stops taking messages, one after another (each drain flushes once)...
			for (ListenerContainer container : active) {
				try {
					container.beginStop(timeout);
				}
				catch (RuntimeException ex) {
					logger.warn("Stopping listener " + container.getId() + " failed", ex);
				}
			}
			// ...then they finish their in-flight messages in parallel: N slow handlers take one timeout, not N
			List<Thread> stops = new ArrayList<>();
			for (ListenerContainer container : active) {
				Thread thread = new Thread(() -> stopContainer(container, timeout), "nats-stop-" + container.getId());
				thread.start();
				stops.add(thread);
			}
			for (Thread thread : stops) {
				try {
					thread.join();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private static void stopContainer(ListenerContainer container, Duration timeout) {
		try {
			container.stop(timeout);
		}
		catch (RuntimeException ex) {
			logger.warn("Stopping listener " + container.getId() + " failed", ex);
		}
	}

	/**
	 * The container of an endpoint.
	 * @param id the endpoint id
	 * @return the container or {@code null}
	 */
	public ListenerContainer getContainer(String id) {
		synchronized (this.registryMonitor) {
			return this.containers.get(id);
		}
	}

	/**
	 * Whether a container should be running now: the registry runs and the endpoint starts automatically or was
	 * started on request. A listener declared with {@code autoStartup = false} and never started is not a problem
	 * (health UNKNOWN); one that should run and doesn't is (DOWN).
	 * @param id the endpoint id
	 * @return {@code true} if a stopped container is a problem
	 */
	public boolean isExpectedToRun(String id) {
		NatsListenerEndpoint endpoint;
		synchronized (this.registryMonitor) {
			endpoint = this.endpoints.get(id);
		}
		return this.running && endpoint != null && (endpoint.isAutoStartup() || this.startedOnRequest.contains(id));
	}

	/**
	 * All containers, in registration order.
	 * @return the containers
	 */
	public Collection<ListenerContainer> getContainers() {
		synchronized (this.registryMonitor) {
			return new ArrayList<>(this.containers.values());
		}
	}

	/**
	 * Stops, if still running: a context whose refresh failed is destroyed without a lifecycle stop, and nothing
	 * may be left connected or consuming.
	 */
	@Override
	public void destroy() {
		stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

}
