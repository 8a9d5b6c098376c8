package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;
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
 * (ack wait, backoff, the server's max-deliver), the dead-letter stream and the de-duplication bucket ensured. Then
 * the container's consumer thread pulls on one long-lived pull subscription: it keeps up to {@code batchSize}
 * messages requested (topping up when a quarter was taken), takes them in order and hands each to the method — on
 * its own thread with concurrency 1 (stream order), on workers otherwise, waiting while all are busy. Waiting takes
 * no more messages and asks for none, so the client never holds more than one batch; and nothing it holds is ever
 * dropped (jnats' simplified {@code consume()} re-subscribes when a slow handler keeps it from pulling for a while,
 * discarding what it had buffered, which reorders and inflates delivery counts). Pulls carry no heartbeat: a pull
 * lost with a server restart simply expires on the client side ({@code expires} plus a grace period) and is issued
 * again.
 * <p>
 * Per message: acked after the method returned (auto mode); a failure is nak'ed with the delay for its delivery
 * count, or dead-lettered when retrying cannot help or it was the last allowed delivery. The dead letter is stored
 * before the original is terminated; when it cannot be stored the original is nak'ed and comes again. Handlers that
 * take longer than a third of the ack wait get in-progress signals.
 * <p>
 * A supervisor reads the consumer info periodically (health, gauges), recreates a deleted consumer when the
 * reconcile mode allows it, notices a stalled consumer, and retries a setup that failed for a transient reason.
 * <p>
 * Stop: the consumer thread stops pulling, unsubscribes (confirmed with the server) and naks what it still holds, so
 * that another instance gets those messages at once; in-flight handlers finish within the timeout and are acked or
 * nak'ed; what is still running after the timeout is nak'ed.
 */
final class PullConsumerContainer extends JetStreamContainer {

	private static final int CONSUMER_NOT_FOUND = 10014;

	private static final int STREAM_NOT_FOUND = 10059;

	private final Set<Delivery> inFlight = ConcurrentHashMap.newKeySet();

	private volatile JetStreamSubscription subscription;

	private volatile Thread consumerThread;

	/** Set when the pull accounting must start over (consumer recreated, stalled). */
	private volatile boolean resetPulls;

	private volatile boolean setUp;

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
			startConsuming();
			this.setUp = true;
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

	private synchronized void startConsuming() throws IOException, JetStreamApiException {
		if (!this.running || this.stopping || this.consumerThread != null) {
			return;
		}
		this.subscription = this.connection.jetStream()
			.subscribe(null, PullSubscribeOptions.fastBind(this.endpoint.stream(), this.endpoint.consumer()));
		Thread thread = new Thread(this::consumeLoop, "nats-js-" + this.endpoint.id());
		thread.setDaemon(true);
		this.consumerThread = thread;
		this.consuming = true;
		scheduleInProgress();
		thread.start();
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
	 * Starts the pull accounting over: after the consumer was recreated or the pull stalled.
	 */
	private void restartConsuming(String why) {
		if (!this.running || this.stopping) {
			return;
		}
		this.logger.info(what() + " pulls again on " + this.endpoint.stream() + "/" + this.endpoint.consumer() + " ("
				+ why + ")");
		this.resetPulls = true;
	}

	/**
	 * The consumer thread: keeps pulls outstanding, takes messages in order and hands them to the method.
	 */
	private void consumeLoop() {
		JetStreamSubscription sub = this.subscription;
		int batch = this.endpoint.batchSize();
		int topUp = Math.max(1, batch / 4);
		long expiresNanos = this.endpoint.expires().toNanos();
		long graceNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(500), expiresNanos / 10);
		long pollNanos = TimeUnit.MILLISECONDS.toNanos(200);
		int outstanding = 0;
		long pullDeadline = 0;
		int failures = 0;
		while (this.running && !this.stopping) {
			try {
				long now = System.nanoTime();
				if (this.resetPulls || (outstanding > 0 && now - pullDeadline > 0)) {
					// every pull expired, was lost with the server or belongs to a consumer that is gone; what
					// already arrived still waits in the subscription
					this.resetPulls = false;
					outstanding = (int) Math.min(outstanding, sub.getPendingMessageCount());
				}
				if (batch - outstanding >= topUp) {
					int count = batch - outstanding;
					PullRequestOptions.Builder pull = PullRequestOptions.builder(count)
						.expiresIn(this.endpoint.expires());
					if (this.endpoint.maxBytes() > 0) {
						pull.maxBytes(this.endpoint.maxBytes());
					}
					sub.pull(pull.build());
					outstanding += count;
					pullDeadline = now + expiresNanos + graceNanos;
				}
				long wait = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(pollNanos, pullDeadline - now));
				long before = System.nanoTime();
				Message message = sub.nextMessage(Duration.ofNanos(wait));
				if (message == null) {
					if (System.nanoTime() - before < wait - TimeUnit.MILLISECONDS.toNanos(2)) {
						// a pull ended early (expired at the server, or refused): ask again
						outstanding = (int) Math.min(outstanding, sub.getPendingMessageCount());
					}
					continue;
				}
				failures = 0;
				outstanding = Math.max(0, outstanding - 1);
				activity();
				boolean taken;
				try {
					taken = this.workers.execute(() -> handle(message));
				}
				catch (InterruptedException ex) {
					nakQuietly(message);
					throw ex;
				}
				if (!taken) {
					nakQuietly(message);
				}
			}
			catch (JetStreamStatusException ex) {
				// for example 409 Consumer Deleted: the supervisor reports and recreates it
				outstanding = (int) Math.min(outstanding, sub.getPendingMessageCount());
				this.logger.debug(what() + ": pull ended with " + ex.getMessage());
				backOff(++failures);
			}
			catch (IllegalStateException ex) {
				// the connection closed or is reconnecting with a full buffer
				outstanding = 0;
				if (!this.running || this.stopping) {
					break;
				}
				this.logger.debug(what() + ": cannot pull now: " + ex.getMessage());
				backOff(++failures);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (RuntimeException ex) {
				this.logger.warn(what() + ": pulling failed: " + ex, ex);
				backOff(++failures);
			}
		}
		drainAndNak(sub);
	}

	private void backOff(int failures) {
		long millis = Math.min(2000, 100L << Math.min(failures, 5));
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (this.running && !this.stopping && System.nanoTime() < until) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	/**
	 * Stops the server from sending more (the unsubscribe is confirmed by a flush), then naks every message the
	 * subscription still holds, so that another instance gets them without waiting for the ack wait.
	 */
	private void drainAndNak(JetStreamSubscription sub) {
		if (sub == null) {
			return;
		}
		try {
			if (isConnected()) {
				sub.drain(Duration.ofSeconds(2));
			}
			for (int empty = 0; empty < 2;) {
				Message message = sub.nextMessage(Duration.ofMillis(20));
				if (message == null) {
					empty = (sub.getPendingMessageCount() == 0) ? empty + 1 : 0;
					continue;
				}
				nakQuietly(message);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			// unsubscribed meanwhile, or the connection is gone: the ack wait brings the rest back
		}
		finally {
			try {
				if (sub.isActive()) {
					sub.unsubscribe();
				}
			}
			catch (RuntimeException ex) {
				// already gone
			}
		}
	}

	// --- supervision -----------------------------------------------------------------------------------------------

	private void supervise() {
		if (!this.running || this.stopping) {
			return;
		}
		try {
			if (!this.setUp) {
				setup();
				this.logger.info(what() + " started after all");
				return;
			}
			Thread thread = this.consumerThread;
			if (thread == null || !thread.isAlive()) {
				this.logger.error(what() + ": its consumer thread ended unexpectedly; starting it again");
				synchronized (this) {
					this.consumerThread = null;
					try {
						startConsuming();
					}
					catch (IOException | JetStreamApiException ex) {
						throw new ListenerTransientException(ex);
					}
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
				if (!pause(delay)) {
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
		// the consumer thread notices within its poll interval, or once the handler it runs returned
		this.stopping = true;
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
		Thread thread = this.consumerThread;
		if (thread != null) {
			try {
				thread.join(Math.max(100, (deadline - System.nanoTime()) / 1_000_000) + 2500);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		synchronized (this) {
			release();
			this.consuming = false;
			this.running = false;
			this.consumerThread = null;
			this.subscription = null;
			this.setUp = false;
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
		JetStreamSubscription sub = this.subscription;
		if (sub != null && sub.isActive() && (this.consumerThread == null || !this.consumerThread.isAlive())) {
			try {
				sub.unsubscribe();
			}
			catch (RuntimeException ex) {
				// closed with the connection
			}
		}
		ListenerWorkers currentWorkers = this.workers;
		if (currentWorkers != null && !this.stopping) {
			this.stopping = true;
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

}
