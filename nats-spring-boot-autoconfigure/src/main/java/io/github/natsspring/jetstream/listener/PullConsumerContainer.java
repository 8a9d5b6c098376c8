package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;

import io.github.natsspring.jetstream.reconcile.ConsumerDeclaration;
import io.github.natsspring.jetstream.reconcile.Declared;
import io.github.natsspring.jetstream.reconcile.ResourceReport;
import io.github.natsspring.jetstream.reconcile.ResourceStatus;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerWorkers;
import io.github.natsspring.listener.ServiceError;

/**
 * Runs a {@code @JetStreamListener} on a durable pull consumer with explicit acks.
 * <p>
 * Start: the consumer is ensured through the reconciler (created or updated as declared), its settings read back
 * (ack wait, backoff, the server's max-deliver), the dead-letter stream and the de-duplication bucket ensured, then
 * the jnats simplified {@code consume()} pulls batches into the container's own dispatcher. With concurrency 1 the
 * method runs on the dispatcher thread (stream order); with more, on workers that push back on the dispatcher when
 * all are busy.
 * <p>
 * Per message: acked after the method returned (auto mode); a failure is nak'ed with the delay for its delivery
 * count, or dead-lettered when retrying cannot help or it was the last allowed delivery. The dead letter is stored
 * before the original is terminated; when it cannot be stored the original is nak'ed and comes again. Handlers that
 * take longer than a third of the ack wait get in-progress signals.
 * <p>
 * A supervisor reads the consumer info periodically (health, gauges), recreates a deleted consumer when the
 * reconcile mode allows it, restarts a stalled pull, and retries a setup that failed for a transient reason. jnats
 * itself re-issues pulls after a reconnect (missed heartbeats).
 * <p>
 * Stop: no more pulls, messages still arriving are nak'ed at once (another instance gets them), in-flight handlers
 * finish within the timeout and are acked or nak'ed; what is still running after the timeout is nak'ed.
 */
final class PullConsumerContainer extends JetStreamContainer {

	private static final int CONSUMER_NOT_FOUND = 10014;

	private static final int STREAM_NOT_FOUND = 10059;

	private final Set<Delivery> inFlight = ConcurrentHashMap.newKeySet();

	private volatile Dispatcher dispatcher;

	private volatile ConsumerContext consumerContext;

	private volatile MessageConsumer messageConsumer;

	private volatile ConsumerInfo info;

	private volatile long infoNanos;

	private volatile boolean consuming;

	private volatile boolean consumerMissing;

	private volatile boolean stalled;

	private volatile Duration ackWait = Duration.ofSeconds(30);

	private volatile long serverMaxDeliver = -1;

	private volatile DedupeStore dedupeStore;

	private volatile ScheduledFuture<?> inProgressTask;

	private volatile long stoppedNaks;

	private volatile long waitingSinceNanos;

	private volatile CompletableFuture<Boolean> draining;

	PullConsumerContainer(JetStreamListenerEndpoint endpoint, ListenerContext context) {
		super(endpoint, context);
		this.support.getMeters()
			.register(endpoint.id(), endpoint.stream(), endpoint.consumer(), () -> gauge(false), () -> gauge(true));
	}

	private double gauge(boolean ackPending) {
		ConsumerInfo current = this.info;
		if (current == null || !this.running) {
			return Double.NaN;
		}
		return ackPending ? current.getNumAckPending() : current.getNumPending();
	}

	// --- lifecycle -------------------------------------------------------------------------------------------------

	@Override
	public synchronized void start(Connection connection) {
		if (this.running) {
			return;
		}
		this.connection = connection;
		this.stopping = false;
		this.problem = null;
		this.workers = this.context.createWorkers("nats-jetstream-" + this.endpoint.id(), this.endpoint.concurrency());
		this.scheduler = newScheduler(2);
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
								+ ") could not start on consumer " + this.endpoint.stream() + "/"
								+ this.endpoint.consumer() + ": " + ex.getMessage(), ex);
			}
			this.problem = "not started yet: " + ex.getMessage();
			this.logger.warn(what() + " could not start on consumer " + this.endpoint.stream() + "/"
					+ this.endpoint.consumer() + " yet (" + ex.getMessage() + "); retrying in the background");
		}
		long interval = this.support.getDefaults().consumerInfoInterval().toMillis();
		this.scheduler.scheduleWithFixedDelay(this::supervise, interval, interval, TimeUnit.MILLISECONDS);
	}

	/**
	 * Ensures the consumer and everything the listener needs, then starts pulling.
	 */
	private void setup() {
		Connection current = this.connection;
		try {
			JetStreamManagement jsm = management(current);
			ensureConsumer();
			ConsumerInfo consumerInfo = readConsumer(jsm);
			applyConsumerSettings(consumerInfo);
			this.deadLetter = prepareDeadLetters(jsm);
			if (this.endpoint.dedupe() != DedupeMode.NONE) {
				this.dedupeStore = this.support.dedupeStore(current);
			}
			if (this.endpoint.sendTo() != null) {
				this.sendToJetStream = !jsm.getStreamNames(this.endpoint.sendTo()).isEmpty();
			}
			this.consumerContext = current.getConsumerContext(this.endpoint.stream(), this.endpoint.consumer());
			startConsuming();
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

	private void ensureConsumer() {
		if (this.support.getReconciler() == null) {
			return;
		}
		ResourceReport report = this.support.getReconciler()
			.ensureConsumer(this.endpoint.stream(), this.endpoint.declaration());
		if (report.status() == ResourceStatus.FAILED) {
			throw new JetStreamListenerException(what() + " (" + this.endpoint.method().getDescription()
					+ "): the consumer could not be created or updated: " + report);
		}
		if (report.status() == ResourceStatus.MISSING) {
			throw new JetStreamListenerException(what() + " (" + this.endpoint.method().getDescription() + "): consumer "
					+ this.endpoint.stream() + "/" + this.endpoint.consumer() + " does not exist and "
					+ "nats.jetstream.reconcile.mode=" + this.support.getReconciler().getMode().name().toLowerCase()
					+ " does not create it. Create it, or let the application create it (mode update or create-only).");
		}
	}

	private ConsumerInfo readConsumer(JetStreamManagement jsm) throws IOException, JetStreamApiException {
		try {
			ConsumerInfo consumerInfo = jsm.getConsumerInfo(this.endpoint.stream(), this.endpoint.consumer());
			this.info = consumerInfo;
			this.infoNanos = System.nanoTime();
			this.consumerMissing = false;
			return consumerInfo;
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == CONSUMER_NOT_FOUND || ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				throw new JetStreamListenerException(what() + " (" + this.endpoint.method().getDescription()
						+ "): consumer " + this.endpoint.stream() + "/" + this.endpoint.consumer()
						+ " does not exist on the server (" + ex.getErrorDescription() + ")", ex);
			}
			throw ex;
		}
	}

	/**
	 * Reads what the server made of the consumer: it must be a pull consumer with explicit acks; its ack wait drives
	 * the in-progress signals, its backoff the nak delays (unless the annotation gives them), and its max-deliver
	 * must leave room for the listener's attempts.
	 */
	private void applyConsumerSettings(ConsumerInfo consumerInfo) {
		ConsumerConfiguration configuration = consumerInfo.getConsumerConfiguration();
		String consumer = this.endpoint.stream() + "/" + this.endpoint.consumer();
		if (configuration.getDeliverSubject() != null) {
			throw new JetStreamListenerException(what() + ": consumer " + consumer + " is a push consumer (deliver subject '"
					+ configuration.getDeliverSubject() + "'); @JetStreamListener needs a pull consumer");
		}
		if (configuration.getAckPolicy() != AckPolicy.Explicit) {
			throw new JetStreamListenerException(what() + ": consumer " + consumer + " has ack policy "
					+ configuration.getAckPolicy() + "; @JetStreamListener needs ack policy explicit, so that a "
					+ "message counts as handled only once its own handler returned");
		}
		if (configuration.getAckWait() != null && !configuration.getAckWait().isZero()) {
			this.ackWait = configuration.getAckWait();
		}
		List<Duration> backoff = configuration.getBackoff();
		if (this.endpoint.nakDelay().isEmpty() && backoff != null && !backoff.isEmpty()) {
			this.nakDelays = List.copyOf(backoff);
		}
		this.attempts = resolveAttempts();
		this.serverMaxDeliver = configuration.getMaxDeliver();
		if (this.serverMaxDeliver > 0 && this.attempts > this.serverMaxDeliver) {
			throw new JetStreamListenerException(what() + ": maxDeliver " + this.attempts + " is more than the "
					+ this.serverMaxDeliver + " deliveries consumer " + consumer + " allows (max-deliver on the "
					+ "server); the server would stop delivering before the listener dead-letters");
		}
		if (this.serverMaxDeliver > 0 && this.endpoint.deadLetter()) {
			this.logger.warn(what() + ": consumer " + consumer + " has max-deliver " + this.serverMaxDeliver
					+ " on the server. A message whose dead letter cannot be stored on delivery "
					+ this.serverMaxDeliver + " will not be delivered again; the listener then keeps retrying the "
					+ "dead letter only while it runs. For lossless dead-lettering leave max-deliver off the "
					+ "consumer declaration and set @JetStreamListener(maxDeliver) or "
					+ "nats.jetstream.listener.max-deliver instead.");
		}
		this.problem = null;
	}

	private int resolveAttempts() {
		if (this.endpoint.maxDeliver() != null) {
			return this.endpoint.maxDeliver();
		}
		if (this.support.getReconciler() != null) {
			Long declared = this.support.getReconciler()
				.getTopology()
				.getConsumer(this.endpoint.stream(), this.endpoint.consumer())
				.map(Declared::declaration)
				.map(ConsumerDeclaration::maxDeliver)
				.orElse(null);
			if (declared != null && declared > 0) {
				return (int) Math.min(Integer.MAX_VALUE, declared);
			}
		}
		return this.support.getDefaults().maxDeliver();
	}

	private ConsumeOptions consumeOptions() {
		return ConsumeOptionsFactory.create(this.endpoint.batchSize(), this.endpoint.maxBytes(),
				this.endpoint.expires());
	}

	private synchronized void startConsuming() throws IOException, JetStreamApiException {
		if (!this.running || this.stopping) {
			return;
		}
		if (this.dispatcher == null) {
			this.dispatcher = this.connection.createDispatcher();
		}
		this.messageConsumer = this.consumerContext.consume(consumeOptions(), this.dispatcher, this::onMessage);
		this.consuming = true;
		scheduleInProgress();
		this.logger.info(what() + " consumes " + this.endpoint.stream() + "/" + this.endpoint.consumer()
				+ " (concurrency " + this.endpoint.concurrency() + ", ack " + this.endpoint.ackMode().name().toLowerCase()
				+ ", ack wait " + this.ackWait + ", max deliver " + this.attempts + ", dead letters "
				+ ((this.deadLetter != null) ? "to '" + this.deadLetter.getSubject() + "'" : "off") + ")");
	}

	private void scheduleInProgress() {
		ScheduledFuture<?> previous = this.inProgressTask;
		if (previous != null) {
			previous.cancel(false);
		}
		long period = Math.max(20, Math.min(1000, this.ackWait.toMillis() / 6));
		this.inProgressTask = this.scheduler.scheduleAtFixedRate(this::signalInProgress, period, period,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Restarts the pull: after the consumer was recreated or the pull stalled.
	 */
	private synchronized void restartConsuming(String why) {
		if (!this.running || this.stopping) {
			return;
		}
		this.logger.info(what() + " restarts its pull on " + this.endpoint.stream() + "/" + this.endpoint.consumer()
				+ " (" + why + ")");
		closeMessageConsumer();
		try {
			startConsuming();
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			this.consuming = false;
			this.problem = "pull could not be restarted: " + ex.getMessage();
			this.logger.warn(what() + " could not restart its pull (" + ex.getMessage() + "); retrying");
		}
	}

	private void closeMessageConsumer() {
		MessageConsumer current = this.messageConsumer;
		this.messageConsumer = null;
		this.consuming = false;
		if (current != null) {
			try {
				current.stop();
				current.close();
			}
			catch (Exception ex) {
				// already gone with the connection
			}
		}
	}

	// --- supervision -----------------------------------------------------------------------------------------------

	private void supervise() {
		if (!this.running || this.stopping) {
			return;
		}
		try {
			if (!this.consuming) {
				if (this.consumerContext == null) {
					setup();
					this.logger.info(what() + " started after all");
				}
				else if (!this.consumerMissing) {
					restartConsuming("the pull was not running");
				}
				if (!this.consumerMissing) {
					return;
				}
			}
			refreshConsumerInfo();
		}
		catch (ListenerTransientException ex) {
			this.problem = "waiting for JetStream: " + ex.getMessage();
		}
		catch (RuntimeException ex) {
			if (!java.util.Objects.equals(ex.getMessage(), this.problem)) {
				this.logger.warn(what() + ": " + ex.getMessage());
			}
			this.problem = ex.getMessage();
		}
	}

	private void refreshConsumerInfo() {
		if (!isConnected()) {
			return;
		}
		ConsumerInfo current;
		try {
			current = management(this.connection).getConsumerInfo(this.endpoint.stream(), this.endpoint.consumer());
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == CONSUMER_NOT_FOUND || ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				onConsumerMissing(ex);
			}
			else {
				this.problem = "consumer info: " + ex.getMessage();
			}
			return;
		}
		catch (IOException ex) {
			// not answered (reconnecting, JetStream busy): keep the last one
			return;
		}
		this.info = current;
		this.infoNanos = System.nanoTime();
		if (!this.consumerMissing) {
			this.problem = null;
		}
		if (this.consumerMissing) {
			this.consumerMissing = false;
			this.problem = null;
			this.logger.info(what() + ": consumer " + this.endpoint.stream() + "/" + this.endpoint.consumer()
					+ " exists again");
			restartConsuming("the consumer exists again");
			return;
		}
		checkStalled(current);
	}

	private void onConsumerMissing(JetStreamApiException ex) {
		String consumer = this.endpoint.stream() + "/" + this.endpoint.consumer();
		if (!this.consumerMissing) {
			this.consumerMissing = true;
			this.logger.error(what() + ": consumer " + consumer + " no longer exists on the server ("
					+ ex.getErrorDescription() + ")");
		}
		this.problem = "consumer " + consumer + " is missing on the server";
		if (this.support.getReconciler() == null || !this.support.mayCreate()) {
			return;
		}
		ResourceReport report;
		try {
			report = this.support.getReconciler().ensureConsumer(this.endpoint.stream(), this.endpoint.declaration());
		}
		catch (RuntimeException failure) {
			this.problem = "consumer " + consumer + " is missing and could not be recreated: " + failure.getMessage();
			return;
		}
		if (report.status() == ResourceStatus.CREATED) {
			this.logger.warn(what() + ": recreated consumer " + consumer + " as declared; it delivers again from its "
					+ "deliver policy (" + ((this.endpoint.declaration().deliverPolicy() != null)
							? this.endpoint.declaration().deliverPolicy() : "all")
					+ ")");
		}
		if (!report.status().isProblem() && report.status() != ResourceStatus.MISSING) {
			this.consumerMissing = false;
			this.problem = null;
			restartConsuming("consumer recreated");
		}
	}

	/**
	 * Stalled: the consumer has messages to deliver and room for more unacknowledged ones, and yet nothing happened
	 * for the stall timeout. Health goes DOWN; when no handler is stuck the pull is restarted (once per timeout).
	 */
	private void checkStalled(ConsumerInfo current) {
		long maxAckPending = current.getConsumerConfiguration().getMaxAckPending();
		boolean waiting = current.getNumPending() > 0
				&& (maxAckPending <= 0 || current.getNumAckPending() < maxAckPending);
		long now = System.nanoTime();
		long since = this.waitingSinceNanos;
		if (!waiting || since == 0 || lastActivityNanos() > since) {
			this.waitingSinceNanos = waiting ? now : 0;
			this.stalled = false;
			return;
		}
		Duration timeout = this.support.getDefaults().stallTimeout();
		if (now - since < timeout.toNanos()) {
			return;
		}
		if (!this.stalled) {
			this.logger.warn(what() + " is stalled: " + current.getNumPending() + " message(s) wait on "
					+ this.endpoint.stream() + "/" + this.endpoint.consumer() + " and nothing happened for " + timeout
					+ (this.inFlight.isEmpty() ? "" : " (" + this.inFlight.size() + " handler(s) still running)"));
		}
		this.stalled = true;
		if (this.inFlight.isEmpty()) {
			this.waitingSinceNanos = now;
			restartConsuming("stalled");
		}
	}

	private void signalInProgress() {
		if (this.inFlight.isEmpty()) {
			return;
		}
		long threshold = this.ackWait.toNanos() / 3;
		long now = System.nanoTime();
		for (Delivery delivery : this.inFlight) {
			if (now - delivery.lastSignalNanos() >= threshold) {
				try {
					delivery.inProgress();
				}
				catch (RuntimeException ex) {
					// disconnected: the ack wait decides
				}
			}
		}
	}

	// --- messages --------------------------------------------------------------------------------------------------

	private void onMessage(Message message) throws InterruptedException {
		activity();
		if (this.stopping) {
			// not handled here: available to another instance right away
			nakQuietly(message);
			return;
		}
		if (!this.workers.execute(() -> handle(message))) {
			nakQuietly(message);
		}
	}

	private void nakQuietly(Message message) {
		try {
			message.nak();
			this.stoppedNaks++;
		}
		catch (RuntimeException ex) {
			// the ack wait brings it back
		}
	}

	private void handle(Message message) {
		if (this.stopping) {
			// waited for a worker while the listener began to stop: not started, so not handled here
			nakQuietly(message);
			return;
		}
		long start = System.nanoTime();
		JetStreamMetadata metadata = JetStreamMetadata.of(message);
		Delivery delivery = new Delivery(message, this::rememberHandled, nakDelay(metadata.deliveredCount()));
		this.inFlight.add(delivery);
		try {
			process(delivery, metadata, start);
		}
		catch (Throwable ex) {
			this.logger.error(what() + " failed unexpectedly on " + describe(metadata), ex);
			delivery.nakQuietly(nakDelay(metadata.deliveredCount()));
			record(RETRIED, start);
		}
		finally {
			this.inFlight.remove(delivery);
			activity();
		}
	}

	private void process(Delivery delivery, JetStreamMetadata metadata, long start) {
		Message message = delivery.message();
		if (this.dedupeStore != null && alreadyHandled(message, metadata)) {
			delivery.ack();
			record(DUPLICATE, start);
			return;
		}
		if (metadata.deliveredCount() > this.attempts) {
			// delivered again without a result: the process died or the ack got lost on every earlier attempt
			deadLetter(delivery, metadata, null, "max-deliver-exceeded", start);
			return;
		}
		boolean manual = this.endpoint.ackMode() == AckMode.MANUAL;
		try {
			invoke(message, metadata, manual ? delivery : null);
		}
		catch (Exception ex) {
			onFailure(delivery, metadata, ex, start);
			return;
		}
		if (!manual) {
			delivery.ack();
			record(ACKED, start);
			return;
		}
		Delivery.Settlement settlement = delivery.settlement();
		if (settlement == null) {
			this.logger.warn(what() + " (ack mode manual) returned without acking, nak'ing or terminating "
					+ describe(metadata) + "; it is delivered again after the ack wait (" + this.ackWait + ")");
			record(UNACKNOWLEDGED, start);
		}
		else {
			record(outcome(settlement), start);
		}
	}

	private static String outcome(Delivery.Settlement settlement) {
		return switch (settlement) {
			case ACKED -> ACKED;
			case NAKED -> RETRIED;
			case TERMINATED -> TERMINATED;
		};
	}

	private boolean alreadyHandled(Message message, JetStreamMetadata metadata) {
		try {
			return this.dedupeStore.contains(dedupeKey(message, metadata));
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			this.logger.warn(what() + " could not look up " + describe(metadata) + " in the de-duplication bucket ("
					+ ex.getMessage() + "); handling it");
			return false;
		}
	}

	private void rememberHandled(Message message) {
		DedupeStore store = this.dedupeStore;
		if (store == null) {
			return;
		}
		JetStreamMetadata metadata = JetStreamMetadata.of(message);
		try {
			store.remember(dedupeKey(message, metadata));
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			this.logger.warn(what() + " could not remember " + describe(metadata)
					+ " in the de-duplication bucket (" + ex.getMessage() + ")");
		}
	}

	private String dedupeKey(Message message, JetStreamMetadata metadata) {
		return DedupeStore.key(this.endpoint.dedupe(), message, metadata.stream(), this.endpoint.consumer(),
				metadata.streamSequence());
	}

	private void onFailure(Delivery delivery, JetStreamMetadata metadata, Exception failure, long start) {
		Throwable cause = ServiceError.unwrap(failure);
		Delivery.Settlement settlement = delivery.settlement();
		if (settlement != null) {
			this.logger.warn(what() + " failed on " + describe(metadata) + " after settling it (" + settlement
					+ "): " + describe(cause));
			record(outcome(settlement), start);
			return;
		}
		if (isPermanent(cause)) {
			deadLetter(delivery, metadata, cause, "non-retryable", start);
		}
		else if (metadata.deliveredCount() >= this.attempts) {
			deadLetter(delivery, metadata, cause, "max-deliver", start);
		}
		else {
			Duration delay = nakDelay(metadata.deliveredCount());
			this.logger.warn(what() + " failed on " + describe(metadata) + " (delivery " + metadata.deliveredCount()
					+ " of " + this.attempts + "), retrying in " + delay + ": " + describe(cause));
			delivery.nak(delay);
			record(RETRIED, start);
		}
	}

	/**
	 * Stores the dead letter, then terminates the original. If the dead letter cannot be stored the original is
	 * nak'ed and comes again (the consumer is declared without a server-side delivery limit); only when the server's
	 * own max-deliver is reached does the listener hold the message and retry while it runs.
	 */
	private void deadLetter(Delivery delivery, JetStreamMetadata metadata, Throwable cause, String reason,
			long start) {
		String why = switch (reason) {
			case "non-retryable" -> "it cannot succeed on retry";
			case "max-deliver" -> "delivery " + metadata.deliveredCount() + " of " + this.attempts + " failed";
			default -> "it was delivered " + metadata.deliveredCount() + " times (max deliver " + this.attempts
					+ ") without completing";
		};
		DeadLetter target = this.deadLetter;
		if (target == null) {
			delivery.term();
			this.logger.error(what() + " gave up on " + describe(metadata) + ": " + why
					+ "; dead letters are off, the message is terminated"
					+ ((cause != null) ? ": " + describe(cause) : ""), cause);
			record(TERMINATED, start);
			return;
		}
		DeadLetter.Source source = new DeadLetter.Source(metadata.stream(), this.endpoint.consumer(),
				metadata.streamSequence(), metadata.deliveredCount());
		while (true) {
			try {
				target.publish(this.connection, delivery.message(), source, this.endpoint.id(), cause, reason);
				delivery.term();
				this.logger.error(what() + " dead-lettered " + describe(metadata) + " to '" + target.getSubject()
						+ "' because " + why + ((cause != null) ? ": " + describe(cause) : ""),
						(cause != null && !isPermanent(cause)) ? cause : null);
				record(DEAD_LETTERED, start);
				return;
			}
			catch (IOException | JetStreamApiException | RuntimeException ex) {
				Duration delay = nakDelay(metadata.deliveredCount());
				boolean lastServerDelivery = this.serverMaxDeliver > 0
						&& metadata.deliveredCount() >= this.serverMaxDeliver;
				if (!lastServerDelivery) {
					this.logger.error(what() + " could not store the dead letter of " + describe(metadata) + " in '"
							+ target.getSubject() + "' (" + ex.getMessage() + "); the message stays on the consumer "
							+ "and comes again in " + delay);
					delivery.nak(delay);
					record(RETRIED, start);
					return;
				}
				if (this.stopping || !this.running) {
					this.logger.error(what() + " could not store the dead letter of " + describe(metadata) + " ("
							+ ex.getMessage() + ") and the server will not deliver it again (max-deliver "
							+ this.serverMaxDeliver + " on the consumer); it stays in stream " + metadata.stream()
							+ " at sequence " + metadata.streamSequence());
					record(FAILED, start);
					return;
				}
				this.logger.error(what() + " could not store the dead letter of " + describe(metadata) + " ("
						+ ex.getMessage() + "); this was the last delivery the server allows, retrying in " + delay);
				if (!sleep(delay)) {
					record(FAILED, start);
					return;
				}
			}
		}
	}

	private boolean sleep(Duration delay) {
		long until = System.nanoTime() + delay.toNanos();
		try {
			while (System.nanoTime() < until) {
				if (this.stopping) {
					return false;
				}
				Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private String describe(JetStreamMetadata metadata) {
		return "message " + metadata.stream() + "#" + metadata.streamSequence() + " ('" + metadata.subject() + "')";
	}

	// --- stop ------------------------------------------------------------------------------------------------------

	/**
	 * Stops pulling and drains the dispatcher: the server stops sending (the unsubscribe is confirmed with a flush),
	 * while messages already received keep reaching {@link #onMessage}, which naks them at once so that another
	 * instance gets them without waiting for the ack wait. jnats's own stop would unsubscribe without delivering
	 * what it buffered; while the dispatcher drains, that unsubscribe is a no-op.
	 */
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
		Dispatcher currentDispatcher = this.dispatcher;
		if (currentDispatcher != null && isConnected()) {
			try {
				this.draining = currentDispatcher.drain(timeout);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				this.logger.debug(what() + ": draining the dispatcher failed: " + ex.getMessage());
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
		ListenerWorkers current = this.workers;
		if (current != null && !current.close(timeout)) {
			int abandoned = 0;
			for (Delivery delivery : this.inFlight) {
				if (!delivery.isSettled()) {
					delivery.nakQuietly(Duration.ZERO);
					abandoned++;
				}
			}
			this.logger.warn(what() + " still had " + abandoned + " message(s) in flight after the shutdown timeout of "
					+ timeout + "; they were nak'ed and go to another instance");
		}
		// the dispatcher hands what it still holds to onMessage, which naks it
		CompletableFuture<Boolean> drained = this.draining;
		if (drained != null) {
			try {
				drained.get(Math.max(100, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (Exception ex) {
				this.logger.debug(what() + ": the dispatcher did not drain in time: " + ex);
			}
		}
		synchronized (this) {
			this.draining = null;
			closeMessageConsumer();
			release();
			this.running = false;
			this.support.unregister(this);
		}
		if (this.logger.isDebugEnabled()) {
			this.logger.debug(what() + " stopped (" + this.stoppedNaks + " message(s) nak'ed while stopping)");
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
		ListenerWorkers currentWorkers = this.workers;
		if (currentWorkers != null && !this.stopping) {
			currentWorkers.close(Duration.ZERO);
		}
	}

	// --- health ----------------------------------------------------------------------------------------------------

	@Override
	public boolean isHealthy() {
		return this.running && !this.stopping && this.consuming && !this.consumerMissing && !this.stalled
				&& this.problem == null;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", this.endpoint.id());
		details.put("stream", this.endpoint.stream());
		details.put("consumer", this.endpoint.consumer());
		details.put("concurrency", this.endpoint.concurrency());
		details.put("ackMode", this.endpoint.ackMode().name().toLowerCase());
		details.put("running", this.running);
		details.put("state", state());
		if (this.problem != null) {
			details.put("problem", this.problem);
		}
		ConsumerInfo current = this.info;
		if (current != null) {
			details.put("pending", current.getNumPending());
			details.put("ackPending", current.getNumAckPending());
			details.put("redelivered", current.getRedelivered());
			details.put("infoAge", Duration.ofNanos(System.nanoTime() - this.infoNanos).toMillis() + "ms");
		}
		details.put("lastActivity", lastActivity().toString());
		details.put("maxDeliver", this.attempts);
		details.put("ackWait", this.ackWait.toString());
		if (this.deadLetter != null) {
			details.put("deadLetterSubject", this.deadLetter.getSubject());
		}
		details.put("inFlight", this.inFlight.size());
		details.put("acked", count(ACKED));
		details.put("retried", count(RETRIED));
		details.put("deadLettered", count(DEAD_LETTERED));
		long terminated = count(TERMINATED);
		if (terminated > 0) {
			details.put("terminated", terminated);
		}
		long duplicates = count(DUPLICATE);
		if (duplicates > 0) {
			details.put("duplicates", duplicates);
		}
		long unacknowledged = count(UNACKNOWLEDGED);
		if (unacknowledged > 0) {
			details.put("unacknowledged", unacknowledged);
		}
		return details;
	}

	private String state() {
		if (!this.running) {
			return "stopped";
		}
		if (this.stopping) {
			return "stopping";
		}
		if (this.consumerMissing) {
			return "consumer-missing";
		}
		if (this.stalled) {
			return "stalled";
		}
		return this.consuming ? "consuming" : "starting";
	}

	/** A setup step failed for a reason that may go away. */
	static final class ListenerTransientException extends RuntimeException {

		ListenerTransientException(Throwable cause) {
			super(cause.getMessage(), cause);
		}

	}

}
