package io.github.natsspring.micro;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsLifecyclePhases;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * Owns one {@link NatsServiceContainer} per {@link NatsService @NatsService}. Starts them in phase
 * {@link NatsLifecyclePhases#SERVICES}, after listeners, once the connection is up (right away when NATS is
 * reachable at startup, otherwise as soon as it connects); on shutdown stops them first, answering the requests in
 * flight, before listeners stop and the connection drains.
 * <p>
 * Starting and stopping is the listeners' machinery: a {@link NatsListenerEndpointRegistry} of its own (not a bean,
 * so it does not clash with the listeners' registry) in phase {@code SERVICES} with
 * {@code nats.micro.shutdown-timeout}.
 */
public class NatsServiceRegistry implements DisposableBean, SmartLifecycle {

	private final NatsListenerEndpointRegistry services;

	private final Supplier<List<ServiceRequestObserver>> observers;

	private final int defaultConcurrency;

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
		this.services = new NatsListenerEndpointRegistry(connectionManager, context, autoStartup,
				NatsLifecyclePhases.SERVICES, shutdownTimeout);
		this.observers = observers;
		this.defaultConcurrency = defaultConcurrency;
	}

	/**
	 * Registers a service; if the registry already runs, it starts at once (once connected).
	 * @param definition the service
	 * @return its container
	 * @throws IllegalStateException if a service of that name is registered already
	 */
	public synchronized NatsServiceContainer registerService(ServiceDefinition definition) {
		NatsServiceContainer existing = getService(definition.name());
		if (existing != null) {
			throw new IllegalStateException("Two beans declare @NatsService '" + definition.name() + "': '"
					+ existing.getDefinition().beanName() + "' and '" + definition.beanName()
					+ "'. One application runs one instance of a service; rename one of them.");
		}
		this.services.registerEndpoint(new ServiceEndpoint(definition, this.observers.get()));
		return getService(definition.name());
	}

	/**
	 * All services, in registration order.
	 * @return the services
	 */
	public List<NatsServiceContainer> getServices() {
		return this.services.getContainers()
			.stream()
			.map((container) -> ((ServiceEndpoint.Container) container).service())
			.toList();
	}

	/**
	 * The service with the given name.
	 * @param name the service name
	 * @return the service or {@code null}
	 */
	public NatsServiceContainer getService(String name) {
		ServiceEndpoint.Container container = (ServiceEndpoint.Container) this.services.getContainer(name);
		return (container != null) ? container.service() : null;
	}

	/**
	 * Whether services should be running now.
	 * @return {@code true} if a stopped service is a problem
	 */
	public boolean isExpectedToRun() {
		return this.services.isRunning();
	}

	/**
	 * How many requests a service handles at once unless its annotation says otherwise.
	 * @return the default concurrency
	 */
	public int getDefaultConcurrency() {
		return this.defaultConcurrency;
	}

	/**
	 * The registry that runs the services, for the {@code services} health group.
	 * @return the registry
	 */
	NatsListenerEndpointRegistry getEndpointRegistry() {
		return this.services;
	}

	@Override
	public void start() {
		this.services.start();
	}

	@Override
	public void stop() {
		this.services.stop();
	}

	/**
	 * Stops, if still running: a context whose refresh failed is destroyed without a lifecycle stop, and nothing
	 * may be left connected or consuming.
	 */
	@Override
	public void destroy() {
		this.services.destroy();
	}

	@Override
	public boolean isRunning() {
		return this.services.isRunning();
	}

	@Override
	public boolean isAutoStartup() {
		return this.services.isAutoStartup();
	}

	@Override
	public int getPhase() {
		return this.services.getPhase();
	}

}
