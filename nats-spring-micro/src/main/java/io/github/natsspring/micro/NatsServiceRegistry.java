package io.github.natsspring.micro;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsLifecyclePhases;
import io.github.natsspring.listener.ListenerContext;

/**
 * Owns one {@link NatsServiceContainer} per {@link NatsService @NatsService}. Starts them in phase
 * {@link NatsLifecyclePhases#SERVICES}, after listeners, once the connection is up (right away when NATS is
 * reachable at startup, otherwise as soon as it connects); on shutdown stops them first, answering the requests in
 * flight, before listeners stop and the connection drains.
 */
public class NatsServiceRegistry implements DisposableBean, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(NatsServiceRegistry.class);

	private final List<NatsServiceContainer> containers = new ArrayList<>();

	private final NatsConnectionManager connectionManager;

	private final ListenerContext context;

	private final Supplier<List<ServiceRequestObserver>> observers;

	private final boolean autoStartup;

	private final Duration shutdownTimeout;

	private final int defaultConcurrency;

	private volatile boolean running;

	/** Start and stop of services happen under this lock: a late connection cannot start one after shutdown. */
	private final Object lifecycleMonitor = new Object();

	/**
	 * Creates a registry.
	 * @param connectionManager the connection
	 * @param context the listener infrastructure (argument resolution, replies, workers)
	 * @param observers supplies the request observers, asked when a service is registered
	 * @param autoStartup whether services start with the application
	 * @param shutdownTimeout how long services may take to answer the requests in flight on stop
	 * @param defaultConcurrency how many requests a service handles at once unless it declares otherwise
	 */
	public NatsServiceRegistry(NatsConnectionManager connectionManager, ListenerContext context,
			Supplier<List<ServiceRequestObserver>> observers, boolean autoStartup, Duration shutdownTimeout,
			int defaultConcurrency) {
		if (defaultConcurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, was " + defaultConcurrency);
		}
		this.connectionManager = connectionManager;
		this.context = context;
		this.observers = observers;
		this.autoStartup = autoStartup;
		this.shutdownTimeout = shutdownTimeout;
		this.defaultConcurrency = defaultConcurrency;
	}

	/**
	 * Registers a service; if the registry already runs, it starts at once (once connected).
	 * @param definition the service
	 * @return its container
	 * @throws IllegalStateException if a service of that name is registered already
	 */
	public NatsServiceContainer registerService(ServiceDefinition definition) {
		NatsServiceContainer container;
		synchronized (this.containers) {
			for (NatsServiceContainer existing : this.containers) {
				if (existing.getName().equals(definition.name())) {
					throw new IllegalStateException("Two beans declare @NatsService '" + definition.name() + "': '"
							+ existing.getDefinition().beanName() + "' and '" + definition.beanName()
							+ "'. One application runs one instance of a service; rename one of them.");
				}
			}
			container = new NatsServiceContainer(definition, this.context, this.observers.get());
			this.containers.add(container);
		}
		if (this.running) {
			this.connectionManager.whenConnected((connection) -> startContainer(container, connection));
		}
		return container;
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			this.running = true;
		}
		List<NatsServiceContainer> toStart = getServices();
		if (toStart.isEmpty()) {
			return;
		}
		this.connectionManager.whenConnected((connection) -> {
			for (NatsServiceContainer container : toStart) {
				startContainer(container, connection);
			}
		});
	}

	private void startContainer(NatsServiceContainer container, Connection connection) {
		synchronized (this.lifecycleMonitor) {
			if (!this.running || container.isRunning()) {
				return;
			}
			try {
				container.start(connection);
			}
			catch (RuntimeException ex) {
				// one broken service must not keep the others from starting
				logger.error("Service " + container.getName() + " could not start; health shows it DOWN", ex);
			}
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			stopServices();
		}
	}

	private void stopServices() {
		if (!this.running) {
			return;
		}
		this.running = false;
		Duration timeout = this.shutdownTimeout;
		List<NatsServiceContainer> active = getServices().stream().filter(NatsServiceContainer::isRunning).toList();
		// one after another: each drain flushes, and jnats counts concurrent flushes as outstanding pings
		for (NatsServiceContainer container : active) {
			try {
				container.beginStop(timeout);
			}
			catch (RuntimeException ex) {
				logger.warn("Stopping service " + container.getName() + " failed", ex);
			}
		}
		// then in parallel, so that N busy services take one timeout, not N
		List<Thread> stops = new ArrayList<>();
		for (NatsServiceContainer container : active) {
			Thread thread = new Thread(() -> stopContainer(container, timeout), "nats-stop-" + container.getName());
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

	private void stopContainer(NatsServiceContainer container, Duration timeout) {
		try {
			container.stop(timeout);
		}
		catch (RuntimeException ex) {
			logger.warn("Stopping service " + container.getName() + " failed", ex);
		}
	}

	/**
	 * All services, in registration order.
	 * @return the services
	 */
	public List<NatsServiceContainer> getServices() {
		synchronized (this.containers) {
			return List.copyOf(this.containers);
		}
	}

	/**
	 * The service with the given name.
	 * @param name the service name
	 * @return the service or {@code null}
	 */
	public NatsServiceContainer getService(String name) {
		return getServices().stream().filter((container) -> container.getName().equals(name)).findFirst().orElse(null);
	}

	/**
	 * Whether services should be running now.
	 * @return {@code true} if a stopped service is a problem
	 */
	public boolean isExpectedToRun() {
		return this.running;
	}

	/**
	 * How many requests a service handles at once unless its annotation says otherwise.
	 * @return the default concurrency
	 */
	public int getDefaultConcurrency() {
		return this.defaultConcurrency;
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
		return NatsLifecyclePhases.SERVICES;
	}

}
