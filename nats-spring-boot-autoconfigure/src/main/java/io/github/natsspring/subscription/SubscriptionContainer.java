package io.github.natsspring.subscription;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.Observation;
import io.nats.client.Connection;
import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.core.NatsMessageContext;
import io.github.natsspring.listener.DispatchGroup;
import io.github.natsspring.listener.InboundMessage;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMetrics;
import io.github.natsspring.listener.NatsMessages;
import io.github.natsspring.listener.Replies;
import io.github.natsspring.listener.ServiceError;
import io.github.natsspring.observation.NatsObservations;

/**
 * Runs a {@code @NatsListener}: one jnats dispatcher subscribed to the subject (in the queue group, if any),
 * handing each message to the method on up to {@code concurrency} workers. A failing method never ends the
 * subscription; a failed request is answered with an error. Stopping drains the subscription, so messages already
 * delivered to the client are still handled.
 */
final class SubscriptionContainer implements ListenerContainer {

	private static final Log logger = LogFactory.getLog(SubscriptionContainer.class);

	private final SubscriptionEndpoint endpoint;

	private final ListenerContext context;

	private final ListenerMetrics.Recorder metrics;

	/** Whether invocations are observed: without a registry that observes, not even a no-op observation is made. */
	private final boolean observed;

	private final AtomicLong handled = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private volatile Connection connection;

	private volatile DispatchGroup dispatchers;

	private volatile boolean running;

	private volatile DispatchGroup.Stop stopping;

	SubscriptionContainer(SubscriptionEndpoint endpoint, ListenerContext context) {
		this.endpoint = endpoint;
		this.context = context;
		this.metrics = context.getMetrics().recorder(endpoint.id(), "subscription");
		this.observed = !context.getObservationRegistry().isNoop();
	}

	@Override
	public String getKind() {
		return "subscription";
	}

	@Override
	public String getId() {
		return this.endpoint.id();
	}

	@Override
	public synchronized void start(Connection connection) {
		if (this.running) {
			return;
		}
		this.connection = connection;
		DispatchGroup group = DispatchGroup.create(connection, this.context, "nats-listener-" + this.endpoint.id(),
				this.endpoint.concurrency(), this.endpoint.queue() != null);
		group.subscribe(this.endpoint.subject(), this.endpoint.queue(), this::handle, this::rejected);
		this.dispatchers = group;
		this.running = true;
		logger.info("@NatsListener " + this.endpoint.id() + " subscribed to '" + this.endpoint.subject() + "'"
				+ ((this.endpoint.queue() != null) ? " in queue group '" + this.endpoint.queue() + "'" : "")
				+ " (concurrency " + this.endpoint.concurrency() + ")");
	}

	private void rejected(Message message) {
		// only while stopping: drain delivers what is pending and the handlers are closed afterwards
		logger.warn("@NatsListener " + this.endpoint.id() + " is stopped; message " + NatsMessages.idOf(message)
				+ " on '" + message.getSubject() + "' was not handled");
	}

	private void handle(Message message) {
		long start = System.nanoTime();
		Observation observation = this.observed
				? NatsObservations.process(this.context.getObservationRegistry(), message, this.endpoint.id(),
						"subscription").start()
				: Observation.NOOP;
		try (Observation.Scope scope = observation.openScope()) {
			Object result;
			Message previous = NatsMessageContext.enter(message);
			try {
				result = this.endpoint.method().invoke(InboundMessage.of(message));
				if (result instanceof CompletionStage<?> stage) {
					result = stage.toCompletableFuture().join();
				}
				if (message.getReplyTo() != null && this.endpoint.method().returnsValue()) {
					sendReply(message, result);
				}
			}
			finally {
				NatsMessageContext.leave(previous);
			}
			this.handled.incrementAndGet();
			this.metrics.record("success", System.nanoTime() - start);
		}
		catch (Exception ex) {
			observation.error(ServiceError.unwrap(ex));
			this.failed.incrementAndGet();
			onFailure(message, ex);
			this.metrics.record("failure", System.nanoTime() - start);
		}
		finally {
			observation.stop();
		}
	}

	private void sendReply(Message message, Object result) {
		try {
			Replies.reply(this.context.getNatsOperations(), this.context.getMessageConverter(), message, result);
		}
		catch (RuntimeException ex) {
			// the request was fine; writing or sending our answer failed: that is our error (500), not the caller's
			throw new ReplyFailedException(ex);
		}
	}

	private void onFailure(Message message, Exception ex) {
		ServiceError error = ServiceError.classifyAndLog(ex, ex instanceof ReplyFailedException, logger,
				"@NatsListener " + this.endpoint.id() + " failed on message " + NatsMessages.idOf(message)
						+ " (subject '" + message.getSubject() + "')");
		if (message.getReplyTo() != null) {
			try {
				NatsMessageContext.with(message, () -> {
					Replies.replyError(this.context.getNatsOperations(), message, error);
					return null;
				});
			}
			catch (Exception replyFailure) {
				logger.warn("Could not send the error reply for message " + NatsMessages.idOf(message) + ": "
						+ replyFailure.getMessage());
			}
		}
	}

	/** Writing or sending the reply failed after the method succeeded. */
	private static final class ReplyFailedException extends RuntimeException {

		ReplyFailedException(RuntimeException cause) {
			super("Could not send the reply: " + cause.getMessage(), cause);
		}

	}

	@Override
	public synchronized void beginStop(Duration timeout) {
		if (!this.running || this.stopping != null) {
			return;
		}
		this.stopping = this.dispatchers.beginStop(timeout, logger, "@NatsListener " + this.endpoint.id());
	}

	@Override
	public synchronized void stop(Duration timeout) {
		if (!this.running) {
			return;
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		beginStop(timeout);
		this.running = false;
		this.stopping.finish(deadline, timeout, "message");
		this.stopping = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", this.endpoint.id());
		details.put("subject", this.endpoint.subject());
		if (this.endpoint.queue() != null) {
			details.put("queue", this.endpoint.queue());
		}
		details.put("concurrency", this.endpoint.concurrency());
		details.put("running", this.running);
		details.put("handled", this.handled.get());
		details.put("failed", this.failed.get());
		DispatchGroup current = this.dispatchers;
		if (current != null && this.running) {
			long[] pendingAndDropped = current.pendingAndDropped();
			details.put("pending", pendingAndDropped[0]);
			details.put("dropped", pendingAndDropped[1]);
		}
		return details;
	}

}
