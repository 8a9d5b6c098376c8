package io.github.natsspring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsLifecyclePhases;

/**
 * Owns one {@link ListenerContainer} per endpoint. Starts them once the connection is up (right away at startup
 * when NATS is reachable, otherwise as soon as it connects) and, on shutdown, stops them before the connection
 * drains, letting in-flight messages finish.
 */
public class NatsListenerEndpointRegistry implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(NatsListenerEndpointRegistry.class);

	private final Map<String, NatsListenerEndpoint> endpoints = new LinkedHashMap<>();

	private final Map<String, ListenerContainer> containers = Collections.synchronizedMap(new LinkedHashMap<>());

	private final NatsConnectionManager connectionManager;

	private final ListenerContext context;

	private final boolean autoStartup;

	private final int phase;

	private volatile boolean running;

	public NatsListenerEndpointRegistry(NatsConnectionManager connectionManager, ListenerContext context,
			boolean autoStartup) {
		this(connectionManager, context, autoStartup, NatsLifecyclePhases.LISTENERS);
	}

	public NatsListenerEndpointRegistry(NatsConnectionManager connectionManager, ListenerContext context,
			boolean autoStartup, int phase) {
		this.connectionManager = connectionManager;
		this.context = context;
		this.autoStartup = autoStartup;
		this.phase = phase;
	}

	/**
	 * Registers an endpoint; if the registry already runs, its container starts at once.
	 * @param endpoint the endpoint
	 * @throws IllegalStateException if another endpoint has the same id
	 */
	public void registerEndpoint(NatsListenerEndpoint endpoint) {
		ListenerContainer container;
		synchronized (this.endpoints) {
			NatsListenerEndpoint existing = this.endpoints.putIfAbsent(endpoint.getId(), endpoint);
			if (existing != null) {
				throw new IllegalStateException("Two listeners have the id '" + endpoint.getId() + "': "
						+ existing.describe() + " and " + endpoint.describe() + ". Give one of them another id.");
			}
			container = endpoint.createContainer(this.context);
			this.containers.put(endpoint.getId(), container);
		}
		if (this.running && endpoint.isAutoStartup()) {
			this.connectionManager.whenConnected((connection) -> {
				startContainer(container, connection);
				confirmSubscriptions(connection);
			});
		}
	}

	/**
	 * Starts one container, for listeners declared with {@code autoStartup = false}.
	 * @param id the endpoint id
	 */
	public void startContainer(String id) {
		ListenerContainer container = this.containers.get(id);
		if (container == null) {
			throw new IllegalArgumentException("No listener with id '" + id + "'");
		}
		this.connectionManager.whenConnected((connection) -> {
			if (!container.isRunning()) {
				container.start(connection);
				confirmSubscriptions(connection);
			}
		});
	}

	/**
	 * Stops one container, letting its in-flight messages finish.
	 * @param id the endpoint id
	 */
	public void stopContainer(String id) {
		ListenerContainer container = this.containers.get(id);
		if (container != null && container.isRunning()) {
			container.stop(this.context.getShutdownTimeout());
		}
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		List<ListenerContainer> toStart;
		synchronized (this.endpoints) {
			toStart = this.endpoints.values()
				.stream()
				.filter(NatsListenerEndpoint::isAutoStartup)
				.map((endpoint) -> this.containers.get(endpoint.getId()))
				.toList();
		}
		if (toStart.isEmpty()) {
			return;
		}
		this.connectionManager.whenConnected((connection) -> {
			for (ListenerContainer container : toStart) {
				startContainer(container, connection);
			}
			confirmSubscriptions(connection);
		});
	}

	/**
	 * Waits until the server has processed the subscriptions just made, so that once startup completes a message
	 * published from anywhere reaches the listeners. One flush for all containers: jnats counts concurrent
	 * flushes as outstanding pings.
	 */
	private void confirmSubscriptions(Connection connection) {
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

	private void startContainer(ListenerContainer container, Connection connection) {
		if (!this.running || container.isRunning()) {
			return;
		}
		container.start(connection);
		if (logger.isDebugEnabled()) {
			logger.debug("Started listener " + container.getId());
		}
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		Duration timeout = this.context.getShutdownTimeout();
		// containers stop in parallel so that N slow handlers take one timeout, not N
		List<ListenerContainer> active = snapshot().stream().filter(ListenerContainer::isRunning).toList();
		for (ListenerContainer container : active) {
			try {
				container.beginStop(timeout);
			}
			catch (RuntimeException ex) {
				logger.warn("Stopping listener " + container.getId() + " failed", ex);
			}
		}
		List<Thread> stops = new ArrayList<>();
		for (ListenerContainer container : active) {
			{
				Thread thread = new Thread(() -> stopContainer(container, timeout), "nats-stop-" + container.getId());
				thread.start();
				stops.add(thread);
			}
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

	private void stopContainer(ListenerContainer container, Duration timeout) {
		try {
			container.stop(timeout);
		}
		catch (RuntimeException ex) {
			logger.warn("Stopping listener " + container.getId() + " failed", ex);
		}
	}

	private List<ListenerContainer> snapshot() {
		synchronized (this.containers) {
			return new ArrayList<>(this.containers.values());
		}
	}

	/**
	 * The container of an endpoint.
	 * @param id the endpoint id
	 * @return the container or {@code null}
	 */
	public ListenerContainer getContainer(String id) {
		return this.containers.get(id);
	}

	/**
	 * Whether a container should be running now: the registry runs and the endpoint starts automatically.
	 * @param id the endpoint id
	 * @return {@code true} if a stopped container is a problem
	 */
	public boolean isExpectedToRun(String id) {
		NatsListenerEndpoint endpoint;
		synchronized (this.endpoints) {
			endpoint = this.endpoints.get(id);
		}
		return this.running && endpoint != null && endpoint.isAutoStartup();
	}

	/**
	 * All containers, in registration order.
	 * @return the containers
	 */
	public Collection<ListenerContainer> getContainers() {
		return snapshot();
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
