package io.github.natsspring.micro;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.NUID;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.core.NatsMessageContext;
import io.github.natsspring.listener.DispatchGroup;
import io.github.natsspring.listener.DispatcherDrain;
import io.github.natsspring.listener.InboundMessage;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.NatsMessages;
import io.github.natsspring.listener.Replies;
import io.github.natsspring.micro.ServiceProtocol.Verb;
import io.github.natsspring.listener.ServiceError;

/**
 * Runs one instance of a {@link NatsService @NatsService}: the endpoints' subscriptions on a {@link DispatchGroup}
 * handling up to {@code concurrency} requests at once (one dispatcher and as many workers; a single request at a
 * time is handled on the dispatcher's own thread), and the discovery subscriptions (PING, INFO, STATS at all three
 * levels) on a dispatcher of their own, so busy handlers never delay discovery. Every start is a new
 * instance: a new id, a new start time, statistics from zero.
 * <p>
 * Stopping first withdraws discovery, then drains the endpoint subscriptions (the server sends no more requests,
 * those already received are handled) and waits for the requests in flight, each still answered.
 */
public final class NatsServiceContainer {

	private static final Log logger = LogFactory.getLog(NatsServiceContainer.class);

	private static final ServiceError UNAVAILABLE = new ServiceError(503, "service unavailable");

	private final ServiceDefinition definition;

	private final ListenerContext context;

	private final List<ServiceRequestObserver> observers;

	private final Map<String, EndpointStatistics> statistics = new LinkedHashMap<>();

	private volatile String id;

	private volatile Instant started;

	private volatile Connection connection;

	private volatile DispatchGroup requestDispatchers;

	private volatile Dispatcher discoveryDispatcher;

	private volatile byte[] pingResponse;

	private volatile byte[] infoResponse;

	private volatile boolean running;

	private volatile DispatchGroup.Stop draining;

	NatsServiceContainer(ServiceDefinition definition, ListenerContext context, List<ServiceRequestObserver> observers) {
		this.definition = definition;
		this.context = context;
		this.observers = List.copyOf(observers);
		for (EndpointDefinition endpoint : definition.endpoints()) {
			this.statistics.put(endpoint.name(), new EndpointStatistics(endpoint));
		}
	}

	/**
	 * Starts a new instance: endpoints subscribe first, then discovery, so the instance never advertises an endpoint
	 * it does not serve yet. The registry then confirms the subscriptions with the server (one flush for all
	 * services) before startup completes.
	 * @param connection the established connection
	 */
	synchronized void start(Connection connection) {
		if (this.running) {
			return;
		}
		this.connection = connection;
		this.id = NUID.nextGlobal();
		this.started = Instant.now();
		this.statistics.values().forEach(EndpointStatistics::reset);
		// Workers rather than lanes: a request must never wait behind a slow one while capacity is free, as it
		// would in a busy lane (the server picks the queue subscriber at random).
		DispatchGroup requests = DispatchGroup.create(connection, this.context, "nats-service-" + this.definition.name(),
				this.definition.concurrency(), false);
		for (EndpointDefinition endpoint : this.definition.endpoints()) {
			EndpointStatistics stats = this.statistics.get(endpoint.name());
			requests.subscribe(endpoint.subject(), endpoint.queueGroup(), (message) -> handle(endpoint, stats, message),
					(message) -> unavailable(endpoint, stats, message));
		}
		this.requestDispatchers = requests;
		this.pingResponse = ServiceProtocol.ping(this.definition, this.id);
		this.infoResponse = ServiceProtocol.info(this.definition, this.id);
		this.discoveryDispatcher = connection.createDispatcher();
		for (Verb verb : Verb.values()) {
			for (String subject : ServiceProtocol.discoverySubjects(verb, this.definition.name(), this.id)) {
				this.discoveryDispatcher.subscribe(subject, (message) -> onDiscovery(verb, message));
			}
		}
		this.running = true;
		for (ServiceRequestObserver observer : this.observers) {
			observer.serviceStarted(this);
		}
		logger.info("NATS service " + this.definition.name() + " " + this.definition.version() + " started (id "
				+ this.id + ", concurrency " + this.definition.concurrency() + "): " + describeEndpoints());
	}

	private String describeEndpoints() {
		List<String> parts = new ArrayList<>();
		for (EndpointDefinition endpoint : this.definition.endpoints()) {
			parts.add(endpoint.name() + " on '" + endpoint.subject() + "'"
					+ ((endpoint.queueGroup() != null) ? " (queue group " + endpoint.queueGroup() + ")"
							: " (no queue group)"));
		}
		return String.join(", ", parts);
	}

	// --- discovery ---------------------------------------------------------------------------------------------

	private void onDiscovery(Verb verb, Message message) {
		String replyTo = message.getReplyTo();
		if (replyTo == null) {
			return;
		}
		byte[] response = switch (verb) {
			case PING -> this.pingResponse;
			case INFO -> this.infoResponse;
			case STATS -> ServiceProtocol.stats(this.definition, this.id, this.started, getStats());
		};
		try {
			this.connection.publish(replyTo, response);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not answer " + verb + " for service " + this.definition.name() + ": " + ex);
		}
	}

	// --- requests ----------------------------------------------------------------------------------------------

	private void unavailable(EndpointDefinition endpoint, EndpointStatistics stats, Message message) {
		// only while stopping: the handlers closed before a late request was handed over
		completed(endpoint, stats, 0, UNAVAILABLE);
		replyError(message, UNAVAILABLE);
	}

	private void handle(EndpointDefinition endpoint, EndpointStatistics stats, Message message) {
		long start = System.nanoTime();
		Outcome outcome = prepare(endpoint, message);
		// counted before the reply leaves: a caller that asks for STATS after its reply finds its request counted
		completed(endpoint, stats, System.nanoTime() - start, outcome.error());
		send(endpoint, stats, message, outcome);
	}

	/**
	 * Calls the method (waiting for an asynchronous result) and writes the reply, without sending it.
	 */
	private Outcome prepare(EndpointDefinition endpoint, Message message) {
		// in the request's context: what the method sends, and the reply, carry its correlation id
		Message previous = NatsMessageContext.enter(message);
		try {
			Object result;
			try {
				result = endpoint.method().invoke(InboundMessage.of(message));
				if (result instanceof CompletionStage<?> stage) {
					result = stage.toCompletableFuture().join();
				}
			}
			catch (Throwable ex) {
				return new Outcome(null, failure(endpoint, message, ex, false));
			}
			if (message.getReplyTo() == null) {
				return new Outcome(null, null);
			}
			try {
				return new Outcome(Replies.replyMessage(this.context.getMessageConverter(), message, result), null);
			}
			catch (RuntimeException ex) {
				// the reply could not be written: our fault, not the caller's
				return new Outcome(null, failure(endpoint, message, ex, true));
			}
		}
		finally {
			NatsMessageContext.leave(previous);
		}
	}

	private void send(EndpointDefinition endpoint, EndpointStatistics stats, Message message, Outcome outcome) {
		if (message.getReplyTo() == null) {
			return;
		}
		if (outcome.error() != null) {
			replyError(message, outcome.error());
			return;
		}
		try {
			// the reply has its envelope (written in the request's context): sent as it is
			this.context.getNatsOperations().send(outcome.reply());
		}
		catch (RuntimeException ex) {
			// too large for the server, or the connection closed: still an error of this request
			ServiceError error = failure(endpoint, message, ex, true);
			stats.recordReplyFailure(error);
			for (ServiceRequestObserver observer : this.observers) {
				try {
					observer.replyFailed(this, endpoint, error);
				}
				catch (RuntimeException observerFailure) {
					logger.debug("Service request observer " + observer + " failed: " + observerFailure);
				}
			}
			replyError(message, error);
		}
	}

	/**
	 * Classifies and logs a failure.
	 * @param internal whether it is ours whatever the exception (writing or sending the reply)
	 */
	private ServiceError failure(EndpointDefinition endpoint, Message message, Throwable failure, boolean internal) {
		return ServiceError.classifyAndLog(failure, internal, logger,
				"NATS service " + this.definition.name() + ", endpoint " + endpoint.name() + " failed on '"
						+ message.getSubject() + "' (message " + NatsMessages.idOf(message) + ")");
	}

	private void replyError(Message message, ServiceError error) {
		if (message.getReplyTo() == null) {
			return;
		}
		try {
			// exactly the protocol's two headers, nothing else
			this.connection.publish(Replies.errorMessage(message.getReplyTo(), error));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not send the error reply of service " + this.definition.name() + " for message "
					+ NatsMessages.idOf(message) + ": " + ex.getMessage());
		}
	}

	private void completed(EndpointDefinition endpoint, EndpointStatistics stats, long nanos, ServiceError error) {
		stats.record(nanos, error);
		for (ServiceRequestObserver observer : this.observers) {
			try {
				observer.requestHandled(this, endpoint, nanos, error);
			}
			catch (RuntimeException ex) {
				logger.debug("Service request observer " + observer + " failed: " + ex);
			}
		}
	}

	// --- stop --------------------------------------------------------------------------------------------------

	/**
	 * Withdraws discovery and starts draining the endpoint subscriptions, without waiting.
	 * @param timeout how long the drain may take
	 */
	synchronized void beginStop(Duration timeout) {
		if (!this.running || this.draining != null) {
			return;
		}
		DispatcherDrain.closeQuietly(this.connection, this.discoveryDispatcher);
		// unsubscribes at the server; requests already delivered to the client are still answered
		this.draining = this.requestDispatchers.beginStop(timeout, logger, "NATS service " + this.definition.name());
	}

	/**
	 * Stops: withdraws discovery, drains the endpoints and waits for the requests in flight, at most the timeout.
	 * @param timeout how long in-flight requests may take
	 */
	synchronized void stop(Duration timeout) {
		if (!this.running) {
			return;
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		beginStop(timeout);
		this.draining.finish(deadline, timeout, "request");
		this.draining = null;
		this.running = false;
		logger.info("NATS service " + this.definition.name() + " stopped (id " + this.id + ")");
	}

	// --- accessors ---------------------------------------------------------------------------------------------

	public ServiceDefinition getDefinition() {
		return this.definition;
	}

	public String getName() {
		return this.definition.name();
	}

	/**
	 * The instance id (a NUID), new at every start.
	 * @return the id, {@code null} before the first start
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * When this instance started.
	 * @return the start time, {@code null} before the first start
	 */
	public Instant getStarted() {
		return this.started;
	}

	public boolean isRunning() {
		return this.running;
	}

	/**
	 * How many requests are being handled right now.
	 * @return the number in flight
	 */
	public int getInFlight() {
		DispatchGroup current = this.requestDispatchers;
		return (current != null) ? current.inFlight() : 0;
	}

	/**
	 * The statistics of every endpoint, in the order of the definition, as {@code $SRV.STATS} reports them.
	 * @return the statistics
	 */
	public List<EndpointStats> getStats() {
		List<EndpointStats> stats = new ArrayList<>(this.statistics.size());
		for (EndpointStatistics endpoint : this.statistics.values()) {
			stats.add(endpoint.snapshot());
		}
		return stats;
	}

	/**
	 * What handling a request produced: the reply to send, or the error to answer with.
	 */
	private record Outcome(Message reply, ServiceError error) {
	}

	@Override
	public String toString() {
		return "NatsServiceContainer[" + this.definition.name() + " " + this.definition.version() + ", id " + this.id
				+ "]";
	}

}
