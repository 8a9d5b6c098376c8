package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.observation.Observation;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.connection.NatsConnectionState;
import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsMessageContext;
import io.github.natsspring.core.NatsNotConnectedException;
import io.github.natsspring.jetstream.reconcile.InvalidDeclarationException;
import io.github.natsspring.jetstream.reconcile.JetStreamReconcileException;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.InboundMessage;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMetrics;
import io.github.natsspring.listener.ListenerWorkers;
import io.github.natsspring.listener.ServiceError;
import io.github.natsspring.observation.NatsObservations;

/**
 * What the durable and the ordered JetStream containers share: invoking the method (observation, correlation id,
 * result publishing), classifying failures, nak delays, dead letters, outcome metrics and activity tracking.
 */
abstract class JetStreamContainer implements ListenerContainer {

	/** The listener kind in metrics and observations. */
	static final String KIND = "jetstream";

	/** Metadata key of the {@link Acknowledgment} handed to manual-mode methods. */
	static final String ACKNOWLEDGMENT = "nats_acknowledgment";

	/** Metadata key of the {@link JetStreamMetadata}. */
	static final String METADATA = "nats_jetStreamMetadata";

	static final String ACKED = "acked";

	static final String RETRIED = "retried";

	static final String DEAD_LETTERED = "dead-lettered";

	static final String TERMINATED = "terminated";

	static final String DUPLICATE = "duplicate";

	static final String UNACKNOWLEDGED = "unacknowledged";

	static final String FAILED = "failed";

	/** Max-in-progress passed before the message was handled or its asynchronous result completed. */
	static final String TIMED_OUT = "timed-out";

	protected final Log logger = LogFactory.getLog(getClass());

	protected final JetStreamListenerEndpoint endpoint;

	protected final ListenerContext context;

	protected final JetStreamListenerSupport support;

	private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

	private final ListenerMetrics.Recorder metrics;

	/** Whether invocations are observed: without a registry that observes, not even a no-op observation is made. */
	private final boolean observed;

	private volatile long lastActivityNanos = System.nanoTime();

	private volatile Instant lastActivity;

	protected volatile boolean running;

	protected volatile boolean stopping;

	/** Why the container does not consume as it should, for health; {@code null} when fine. */
	protected volatile String problem;

	protected volatile Connection connection;

	protected volatile ScheduledExecutorService scheduler;

	protected volatile ListenerWorkers workers;

	protected volatile DeadLetter deadLetter;

	/** Whether results go out with JetStream (a stream captures {@code sendTo}). */
	protected volatile boolean sendToJetStream;

	protected volatile List<Duration> nakDelays;

	protected volatile int attempts;

	/** JetStream management with the request timeout, for the connection it was made for. */
	private volatile JetStreamManagement management;

	private volatile Connection managementConnection;

	JetStreamContainer(JetStreamListenerEndpoint endpoint, ListenerContext context) {
		this.endpoint = endpoint;
		this.context = context;
		this.metrics = context.getMetrics().recorder(endpoint.id(), KIND);
		this.observed = !context.getObservationRegistry().isNoop();
		this.support = endpoint.support();
		this.nakDelays = endpoint.nakDelay().isEmpty() ? this.support.getDefaults().nakDelay() : endpoint.nakDelay();
		this.attempts = (endpoint.maxDeliver() != null) ? endpoint.maxDeliver() : this.support.getDefaults().maxDeliver();
	}

	@Override
	public String getKind() {
		return KIND;
	}

	@Override
	public String getId() {
		return this.endpoint.id();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	String what() {
		return "@JetStreamListener " + this.endpoint.id();
	}

	ScheduledExecutorService newScheduler(int threads) {
		AtomicInteger counter = new AtomicInteger();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, (runnable) -> {
			Thread thread = new Thread(runnable, "nats-js-" + this.endpoint.id() + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		return executor;
	}

	JetStreamManagement management(Connection connection) throws IOException {
		JetStreamManagement current = this.management;
		if (current == null || this.managementConnection != connection) {
			current = connection.jetStreamManagement(this.support.jetStreamOptions(this.endpoint.stream()));
			this.management = current;
			this.managementConnection = connection;
		}
		return current;
	}

	/**
	 * Starts: sets up what the listener needs and begins to consume. A failure the user has to fix fails the start
	 * (and so the application's); one that may go away (NATS or JetStream not answering yet) is retried by the
	 * periodic {@link #supervise()}.
	 */
	@Override
	public synchronized void start(Connection connection) {
		if (this.running) {
			return;
		}
		this.connection = connection;
		this.stopping = false;
		this.problem = null;
		prepareStart();
		this.running = true;
		this.support.register(this);
		try {
			setup();
		}
		catch (RuntimeException ex) {
			if (!isTransient(ex)) {
				release();
				this.running = false;
				throw (ex instanceof JetStreamListenerException) ? ex
						: new JetStreamListenerException(what() + " (" + this.endpoint.method().getDescription()
								+ ") could not start on " + source() + ": " + ex.getMessage(), ex);
			}
			this.problem = "not started yet: " + ex.getMessage();
			this.logger.warn(what() + " could not start on " + source() + " yet (" + ex.getMessage()
					+ "); retrying in the background");
		}
		long interval = this.support.getDefaults().consumerInfoInterval().toMillis();
		this.scheduler.scheduleWithFixedDelay(guarded("supervision", this::supervise), interval, interval,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * A periodic task that survives its own failures: a scheduled task that throws is never run again, which
	 * would end the supervision (or the in-progress signals) silently.
	 * @param name names the task in the log
	 * @param task the task
	 * @return the guarded task
	 */
	Runnable guarded(String name, Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				this.logger.warn(what() + ": " + name + " failed (runs again at its next round): " + ex, ex);
			}
		};
	}

	/**
	 * Creates the threads a start needs (scheduler, workers).
	 */
	abstract void prepareStart();

	/**
	 * Ensures what the listener needs and begins to consume.
	 * @throws ListenerTransientException if it failed for a reason that may go away
	 */
	abstract void setup();

	/**
	 * Runs every {@code consumer-info-interval}: retries a setup that failed, watches the consumer or stream.
	 */
	abstract void supervise();

	/**
	 * What the listener consumes, for messages: {@code consumer S/C} or {@code stream S}.
	 * @return the description
	 */
	abstract String source();

	/**
	 * Releases threads without waiting; for containers whose application failed to start.
	 */
	abstract void release();

	DeadLetter prepareDeadLetters(JetStreamManagement jsm) throws IOException, JetStreamApiException {
		if (!this.endpoint.deadLetter()) {
			return null;
		}
		String subject = this.endpoint.deadLetterSubject();
		if (this.endpoint.defaultDeadLetterSubject() && this.support.getReconciler() != null) {
			this.support.ensureDeadLetterStream();
		}
		if (jsm.getStreamNames(subject).isEmpty()) {
			throw new JetStreamListenerException(what() + " (" + this.endpoint.method().getDescription()
					+ "): no stream captures the dead-letter subject '" + subject + "', so failed messages could not "
					+ "be stored. Declare a stream for it, let the listener declare one "
					+ "(nats.jetstream.listener.dead-letter.declare-stream=true), or opt out with "
					+ "@JetStreamListener(deadLetter = \"false\").");
		}
		return new DeadLetter(subject, this.support.getDefaults().deadLetterTimeout());
	}

	// --- handling --------------------------------------------------------------------------------------------------

	void activity() {
		this.lastActivityNanos = System.nanoTime();
		this.lastActivity = null;
	}

	long lastActivityNanos() {
		return this.lastActivityNanos;
	}

	long nanosSinceActivity() {
		return System.nanoTime() - this.lastActivityNanos;
	}

	Instant lastActivity() {
		Instant cached = this.lastActivity;
		if (cached == null) {
			cached = Instant.now().minusNanos(nanosSinceActivity());
			this.lastActivity = cached;
		}
		return cached;
	}

	void record(String outcome, long startNanos) {
		LongAdder count = this.outcomes.get(outcome);
		if (count == null) {
			count = this.outcomes.computeIfAbsent(outcome, (key) -> new LongAdder());
		}
		count.increment();
		this.metrics.record(outcome, System.nanoTime() - startNanos);
	}

	long count(String outcome) {
		LongAdder adder = this.outcomes.get(outcome);
		return (adder != null) ? adder.sum() : 0;
	}

	/**
	 * Calls the method in a {@code nats.process} observation, with the message as the current one (for the
	 * correlation id of what it sends), waits for an asynchronous result (at most {@code maxWait}), and publishes a
	 * non-null result to {@code sendTo}.
	 * @throws ResultTimeoutException if an asynchronous result did not complete in time
	 */
	Object invoke(Message message, JetStreamMetadata metadata, Acknowledgment acknowledgment, Duration maxWait)
			throws Exception {
		Observation observation = this.observed
				? NatsObservations.process(this.context.getObservationRegistry(), message, this.endpoint.id(), KIND)
					.start()
				: Observation.NOOP;
		Message previous = NatsMessageContext.enter(message);
		try (Observation.Scope scope = observation.openScope()) {
			Object result = this.endpoint.method()
				.invoke(InboundMessage.of(message, new JetStreamAttributes(metadata, acknowledgment)));
			if (result instanceof CompletionStage<?> stage) {
				try {
					result = stage.toCompletableFuture().get(Math.max(1, maxWait.toNanos()), TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException ex) {
					throw new ResultTimeoutException(maxWait);
				}
			}
			if (result != null && this.endpoint.sendTo() != null) {
				publishResult(result, metadata);
			}
			return result;
		}
		catch (Exception ex) {
			observation.error(ServiceError.unwrap(ex));
			throw ex;
		}
		finally {
			NatsMessageContext.leave(previous);
			observation.stop();
		}
	}

	private void publishResult(Object result, JetStreamMetadata metadata) {
		if (this.sendToJetStream) {
			// one id per source message: a result sent again after a redelivery is stored once
			String id = "result." + metadata.stream() + "." + this.endpoint.consumerLabel() + "."
					+ metadata.streamSequence();
			this.support.getJetStreamOperations()
				.publish(this.endpoint.sendTo(), result, PublishOptions.builder().messageId(id).build());
		}
		else {
			this.context.getNatsOperations().publish(this.endpoint.sendTo(), result);
		}
	}

	/**
	 * Whether retrying cannot help: conversion and validation failures, and the listener's non-retryable types
	 * anywhere in the cause chain.
	 */
	boolean isPermanent(Throwable failure) {
		if (ServiceError.isPermanent(failure)) {
			return true;
		}
		List<Class<? extends Throwable>> types = this.endpoint.nonRetryable();
		if (types.isEmpty()) {
			return false;
		}
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			for (Class<? extends Throwable> type : types) {
				if (type.isInstance(cause)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The delay before the next delivery after a failed one.
	 * @param delivered how many times the message has been delivered (1 on the first delivery)
	 * @return the delay
	 */
	Duration nakDelay(long delivered) {
		List<Duration> delays = this.nakDelays;
		int index = (int) Math.min(Math.max(delivered, 1) - 1, delays.size() - 1);
		return delays.get(index);
	}

	/**
	 * Waits, unless the listener begins to stop meanwhile.
	 * @param delay how long
	 * @return {@code false} if the listener is stopping (or the thread was interrupted)
	 */
	boolean pause(Duration delay) {
		long until = System.nanoTime() + delay.toNanos();
		try {
			while (System.nanoTime() - until < 0) {
				if (this.stopping) {
					return false;
				}
				Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
			}
			return !this.stopping;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static String describe(JetStreamMetadata metadata) {
		return "message " + metadata.stream() + "#" + metadata.streamSequence() + " ('" + metadata.subject() + "')";
	}

	static String describe(Throwable failure) {
		Throwable cause = ServiceError.unwrap(failure);
		return cause.getClass().getName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
	}

	/**
	 * Whether a setup failure may go away by itself (no connection, a timeout, JetStream not answering), so the
	 * container keeps trying; other failures are mistakes the user has to fix and fail the start.
	 */
	static boolean isTransient(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof InvalidDeclarationException || cause instanceof JetStreamListenerException) {
				return false;
			}
			if (cause instanceof JetStreamReconcileException reconcile) {
				return reconcile.getReport() == null && reconcile.getCause() != null;
			}
			if (cause instanceof IOException || cause instanceof TimeoutException
					|| cause instanceof NatsNotConnectedException) {
				return true;
			}
			if (cause instanceof JetStreamApiException api) {
				// 503 and JetStream temporarily unavailable
				return api.getErrorCode() == 503 || api.getApiErrorCode() == 10008;
			}
		}
		return false;
	}

	boolean isConnected() {
		Connection current = this.connection;
		return current != null && current.getStatus() == Connection.Status.CONNECTED
				&& this.context.getConnectionManager().getState() != NatsConnectionState.CLOSED;
	}

	/**
	 * The method returned a {@code CompletionStage} that did not complete within max-in-progress; the listener stops
	 * waiting for it.
	 */
	static final class ResultTimeoutException extends Exception {

		ResultTimeoutException(Duration waited) {
			super("the asynchronous result did not complete within " + waited);
		}

	}

	/** A setup step failed for a reason that may go away: the container keeps trying in the background. */
	static final class ListenerTransientException extends RuntimeException {

		ListenerTransientException(Throwable cause) {
			super(cause.getMessage(), cause);
		}

	}

}
