package io.github.natsspring.micro;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.NatsListenerEndpoint;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * A service as the {@link NatsListenerEndpointRegistry} inside the {@link NatsServiceRegistry} runs it: an endpoint
 * whose id is the service name and whose container wraps the {@link NatsServiceContainer}. (The service container
 * cannot be a {@link ListenerContainer} itself: its {@code getId()} is the instance id of the service protocol.)
 *
 * @param definition the service
 * @param observers told about every request
 */
record ServiceEndpoint(ServiceDefinition definition, List<ServiceRequestObserver> observers)
		implements NatsListenerEndpoint {

	@Override
	public String getId() {
		return this.definition.name();
	}

	@Override
	public String describe() {
		return "@NatsService '" + this.definition.name() + "' (bean '" + this.definition.beanName() + "')";
	}

	@Override
	public ListenerContainer createContainer(ListenerContext context) {
		return new Container(new NatsServiceContainer(this.definition, context, this.observers));
	}

	/**
	 * Runs the service for the registry; health shows {@link #describe()}.
	 */
	static final class Container implements ListenerContainer {

		private static final Log logger = LogFactory.getLog(NatsServiceRegistry.class);

		private final NatsServiceContainer service;

		Container(NatsServiceContainer service) {
			this.service = service;
		}

		NatsServiceContainer service() {
			return this.service;
		}

		@Override
		public String getId() {
			return this.service.getName();
		}

		/**
		 * Starts the service; a service that cannot start is logged, not thrown: it must neither keep the others
		 * from starting nor fail the application.
		 */
		@Override
		public void start(Connection connection) {
			try {
				this.service.start(connection);
			}
			catch (RuntimeException ex) {
				logger.error("Service " + this.service.getName() + " could not start; health shows it DOWN", ex);
			}
		}

		@Override
		public void beginStop(Duration timeout) {
			this.service.beginStop(timeout);
		}

		@Override
		public void stop(Duration timeout) {
			this.service.stop(timeout);
		}

		@Override
		public boolean isRunning() {
			return this.service.isRunning();
		}

		/**
		 * Id, version, start time, concurrency and requests in flight, and per endpoint its subject, queue group and
		 * counters.
		 */
		@Override
		public Map<String, Object> describe() {
			ServiceDefinition definition = this.service.getDefinition();
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("name", definition.name());
			details.put("version", definition.version());
			details.put("running", this.service.isRunning());
			if (this.service.getId() != null) {
				details.put("id", this.service.getId());
				details.put("started", String.valueOf(this.service.getStarted()));
			}
			details.put("concurrency", definition.concurrency());
			details.put("inFlight", this.service.getInFlight());
			List<Map<String, Object>> endpoints = new ArrayList<>();
			for (EndpointStats stats : this.service.getStats()) {
				Map<String, Object> endpoint = new LinkedHashMap<>();
				endpoint.put("name", stats.name());
				endpoint.put("subject", stats.subject());
				endpoint.put("queueGroup", (stats.queueGroup() != null) ? stats.queueGroup() : "(none)");
				endpoint.put("requests", stats.numRequests());
				endpoint.put("errors", stats.numErrors());
				if (!stats.lastError().isEmpty()) {
					endpoint.put("lastError", stats.lastError());
				}
				endpoints.add(endpoint);
			}
			details.put("endpoints", endpoints);
			return details;
		}

	}

}
