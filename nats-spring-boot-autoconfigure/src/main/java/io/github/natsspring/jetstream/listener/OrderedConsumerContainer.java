package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.OrderedConsumerConfiguration;

import io.github.natsspring.jetstream.reconcile.ConsumerDeclaration;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ServiceError;

/**
 * Runs a {@code @JetStreamListener(ordered = "true")}: an ordered consumer (ephemeral, no acks, flow controlled,
 * recreated by jnats from the last handled sequence after a gap or a reconnect) hands messages to the method one at a
 * time, in stream order. For replays and projections.
 * <p>
 * Without acks there is no redelivery: a failure is retried in place (the stream waits), with the listener's delays,
 * up to max-deliver attempts; then the message is dead-lettered (and, while the dead letter cannot be stored, held)
 * and the listener moves on. On stop the current message finishes within the timeout.
 */
final class OrderedConsumerContainer extends JetStreamContainer {

	private static final String SUCCESS = "success";

	private final Object handling = new Object();

	private volatile Dispatcher dispatcher;

	private volatile MessageConsumer messageConsumer;

	private volatile boolean consuming;

	private volatile boolean busy;

	private volatile long lastSequence;

	private volatile long pending = -1;

	private volatile EarlierDeadLetters earlierDeadLetters = EarlierDeadLetters.NONE;

	OrderedConsumerContainer(JetStreamListenerEndpoint endpoint, ListenerContext context) {
		super(endpoint, context);
		this.support.getMeters()
			.register(endpoint.id(), endpoint.stream(), endpoint.id(),
					() -> (this.running && this.pending >= 0) ? this.pending : Double.NaN,
					() -> this.running ? 0 : Double.NaN);
	}

	@Override
	void prepareStart() {
		this.scheduler = newScheduler(1);
	}

	@Override
	String source() {
		return "stream " + this.endpoint.stream();
	}

	@Override
	synchronized void setup() {
		Connection current = this.connection;
		try {
			JetStreamManagement jsm = management(current);
			try {
				jsm.getStreamInfo(this.endpoint.stream());
			}
			catch (JetStreamApiException ex) {
				if (ex.getApiErrorCode() == 10059) {
					throw new JetStreamListenerException(what() + " (" + this.endpoint.method().getDescription()
							+ "): stream " + this.endpoint.stream() + " does not exist", ex);
				}
				throw ex;
			}
			this.deadLetter = prepareDeadLetters(jsm);
			this.earlierDeadLetters = readEarlierDeadLetters(current);
			if (this.endpoint.sendTo() != null) {
				this.sendToJetStream = !jsm.getStreamNames(this.endpoint.sendTo()).isEmpty();
			}
			OrderedConsumerContext ordered = current
				.getStreamContext(this.endpoint.stream(), this.support.jetStreamOptions(this.endpoint.stream()))
				.createOrderedConsumer(configuration());
			if (this.dispatcher == null) {
				this.dispatcher = current.createDispatcher();
			}
			this.messageConsumer = ordered.consume(
					ConsumeOptionsFactory.create(this.endpoint.batchSize(), this.endpoint.maxBytes(),
							this.endpoint.expires()),
					this.dispatcher, this::onMessage);
			this.consuming = true;
			this.problem = null;
			this.logger.info(what() + " replays stream " + this.endpoint.stream() + " with an ordered consumer"
					+ ((this.endpoint.declaration().filterSubjects() != null)
							? " (subjects " + this.endpoint.declaration().filterSubjects() + ")" : "")
					+ ", dead letters " + ((this.deadLetter != null) ? "to '" + this.deadLetter.getSubject() + "'"
							: "off"));
		}
		catch (IOException ex) {
			throw new ListenerTransientException(ex);
		}
		catch (JetStreamApiException ex) {
			if (isTransient(ex)) {
				throw new ListenerTransientException(ex);
			}
			throw new JetStreamListenerException(what() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * What earlier runs dead-lettered, so that the replay does not dead-letter it again. A failure to read only
	 * costs that protection (the dead-letter stream's duplicate window remains).
	 */
	private EarlierDeadLetters readEarlierDeadLetters(Connection current) throws IOException {
		DeadLetter target = this.deadLetter;
		if (target == null) {
			return EarlierDeadLetters.NONE;
		}
		try {
			EarlierDeadLetters earlier = EarlierDeadLetters.read(current, this.support.deadLetterOptions(),
					target.getSubject(),
					this.endpoint.stream(), this.endpoint.id());
			if (earlier.size() > 0) {
				this.logger.info(what() + ": " + earlier.size() + " message(s) of stream " + this.endpoint.stream()
						+ " were dead-lettered to '" + target.getSubject() + "' on earlier runs; the replay does not "
						+ "dead-letter them again");
			}
			return earlier;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return EarlierDeadLetters.NONE;
		}
		catch (JetStreamApiException | JetStreamStatusCheckedException | RuntimeException ex) {
			this.logger.warn(what() + " could not read its earlier dead letters from '" + target.getSubject() + "' ("
					+ ex.getMessage() + "); messages that fail again on this replay are dead-lettered again");
			return EarlierDeadLetters.NONE;
		}
	}

	private OrderedConsumerConfiguration configuration() {
		ConsumerDeclaration declaration = this.endpoint.declaration();
		OrderedConsumerConfiguration configuration = new OrderedConsumerConfiguration();
		if (declaration.filterSubjects() != null && !declaration.filterSubjects().isEmpty()) {
			configuration.filterSubjects(declaration.filterSubjects());
		}
		if (declaration.deliverPolicy() != null) {
			configuration.deliverPolicy(declaration.deliverPolicy());
		}
		if (declaration.startSequence() != null) {
			configuration.startSequence(declaration.startSequence());
		}
		if (declaration.startTime() != null) {
			configuration.startTime(declaration.startTime().atZoneSameInstant(ZoneOffset.UTC));
		}
		return configuration;
	}

	@Override
	void supervise() {
		if (!this.running || this.stopping) {
			return;
		}
		try {
			if (!this.consuming) {
				setup();
				return;
			}
			if (isConnected()) {
				// the ordered consumer recreates itself; the stream has to be there for it
				management(this.connection).getStreamInfo(this.endpoint.stream());
				this.problem = null;
			}
		}
		catch (ListenerTransientException | IOException ex) {
			this.problem = "waiting for JetStream: " + ex.getMessage();
		}
		catch (JetStreamApiException ex) {
			this.problem = "stream " + this.endpoint.stream() + ": " + ex.getErrorDescription();
		}
		catch (RuntimeException ex) {
			if (!Objects.equals(ex.getMessage(), this.problem)) {
				this.logger.warn(what() + ": " + ex.getMessage());
			}
			this.problem = ex.getMessage();
		}
	}

	// --- messages --------------------------------------------------------------------------------------------------

	private void onMessage(Message message) {
		activity();
		if (this.stopping) {
			return;
		}
		synchronized (this.handling) {
			this.busy = true;
		}
		long start = System.nanoTime();
		JetStreamMetadata metadata = JetStreamMetadata.of(message);
		try {
			handle(message, metadata, start);
		}
		catch (Throwable ex) {
			this.logger.error(what() + " failed unexpectedly on " + describe(metadata), ex);
		}
		finally {
			this.lastSequence = metadata.streamSequence();
			this.pending = metadata.pending();
			activity();
			synchronized (this.handling) {
				this.busy = false;
				this.handling.notifyAll();
			}
		}
	}

	private void handle(Message message, JetStreamMetadata metadata, long start) {
		for (int attempt = 1;; attempt++) {
			try {
				invoke(message, metadata, null, this.support.getDefaults().maxInProgress());
				record(SUCCESS, start);
				return;
			}
			catch (Exception ex) {
				Throwable cause = ServiceError.unwrap(ex);
				if (isPermanent(cause) || attempt >= this.attempts) {
					deadLetter(message, metadata, cause, isPermanent(cause) ? "non-retryable" : "max-deliver",
							attempt, start);
					return;
				}
				Duration delay = nakDelay(attempt);
				this.logger.warn(what() + " failed on " + describe(metadata) + " (attempt " + attempt + " of "
						+ this.attempts + "), retrying in " + delay + ": " + describe(cause));
				record(RETRIED, start);
				if (!pause(delay)) {
					this.logger.error(what() + " stopped before " + describe(metadata) + " was handled; an ordered "
							+ "consumer keeps no state, so it is seen again only by a replay that includes it");
					return;
				}
			}
		}
	}

	private void deadLetter(Message message, JetStreamMetadata metadata, Throwable cause, String reason, int attempts,
			long start) {
		DeadLetter target = this.deadLetter;
		if (target == null) {
			this.logger.error(what() + " gave up on " + describe(metadata) + " after " + attempts
					+ " attempt(s); dead letters are off, the listener moves on: " + describe(cause), cause);
			record(TERMINATED, start);
			return;
		}
		Instant earlier = this.earlierDeadLetters.deadLetteredAt(metadata);
		if (earlier != null) {
			this.logger.error(what() + " gave up on " + describe(metadata) + " after " + attempts + " attempt(s): "
					+ describe(cause) + "; it was dead-lettered on an earlier run (" + earlier + "), not again");
			record(TERMINATED, start);
			return;
		}
		DeadLetter.Source source = new DeadLetter.Source(metadata.stream(), this.endpoint.id(),
				metadata.streamSequence(), attempts);
		int tries = 0;
		while (true) {
			try {
				target.publish(this.connection, message, source, this.endpoint.id(), cause, reason);
				this.logger.error(what() + " dead-lettered " + describe(metadata) + " to '" + target.getSubject()
						+ "' after " + attempts + " attempt(s): " + describe(cause),
						isPermanent(cause) ? null : cause);
				record(DEAD_LETTERED, start);
				return;
			}
			catch (IOException | JetStreamApiException | RuntimeException ex) {
				Duration delay = nakDelay(++tries);
				this.logger.error(what() + " could not store the dead letter of " + describe(metadata) + " ("
						+ ex.getMessage() + "); the stream waits, retrying in " + delay);
				if (!pause(delay)) {
					this.logger.error(what() + " stopped before the dead letter of " + describe(metadata)
							+ " was stored; it stays in stream " + metadata.stream() + " at sequence "
							+ metadata.streamSequence());
					record(FAILED, start);
					return;
				}
			}
		}
	}

	// --- stop ------------------------------------------------------------------------------------------------------

	@Override
	public void beginStop(Duration timeout) {
		if (!this.running || this.stopping) {
			return;
		}
		this.stopping = true;
		MessageConsumer current = this.messageConsumer;
		if (current != null) {
			try {
				current.stop();
			}
			catch (RuntimeException ex) {
				// the connection is going
			}
		}
	}

	@Override
	public void stop(Duration timeout) {
		synchronized (this) {
			if (!this.running) {
				return;
			}
			beginStop(timeout);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.handling) {
			while (this.busy && System.nanoTime() < deadline) {
				try {
					this.handling.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		if (this.busy) {
			this.logger.warn(what() + " was still handling a message after the shutdown timeout of " + timeout);
		}
		synchronized (this) {
			MessageConsumer current = this.messageConsumer;
			this.messageConsumer = null;
			if (current != null) {
				try {
					current.close();
				}
				catch (Exception ex) {
					// gone with the connection
				}
			}
			this.consuming = false;
			release();
			this.running = false;
			this.support.unregister(this);
		}
	}

	@Override
	void release() {
		ScheduledExecutorService current = this.scheduler;
		if (current != null) {
			current.shutdownNow();
		}
		Dispatcher currentDispatcher = this.dispatcher;
		this.dispatcher = null;
		if (currentDispatcher != null) {
			try {
				this.connection.closeDispatcher(currentDispatcher);
			}
			catch (RuntimeException ex) {
				// closed with the connection
			}
		}
	}

	// --- health ----------------------------------------------------------------------------------------------------

	@Override
	public boolean isHealthy() {
		return this.running && !this.stopping && this.consuming && this.problem == null;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", this.endpoint.id());
		details.put("stream", this.endpoint.stream());
		details.put("ordered", true);
		details.put("running", this.running);
		details.put("state", !this.running ? "stopped" : this.stopping ? "stopping"
				: this.consuming ? "consuming" : "starting");
		if (this.problem != null) {
			details.put("problem", this.problem);
		}
		details.put("lastSequence", this.lastSequence);
		if (this.pending >= 0) {
			details.put("pending", this.pending);
		}
		details.put("lastActivity", lastActivity().toString());
		details.put("maxDeliver", this.attempts);
		if (this.deadLetter != null) {
			details.put("deadLetterSubject", this.deadLetter.getSubject());
		}
		details.put("handled", count(SUCCESS));
		details.put("retried", count(RETRIED));
		details.put("deadLettered", count(DEAD_LETTERED));
		return details;
	}

}
