package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
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
 * (ack wait, backoff, the server's max-deliver), the dead-letter stream and the de-duplication bucket ensured; then
 * the {@link PullLoop} consumes. Per message ({@link #handle}): acked after the method returned (auto mode); a
 * failure is nak'ed with the delay for its delivery count, or given to the {@link PullDeadLetterer} when retrying
 * cannot help or it was the last allowed delivery. {@link UnsettledDeliveries} keeps what is being worked on in
 * progress at the server; the {@link ConsumerSupervisor} watches the consumer.
 * <p>
 * Stop: the pull loop stops pulling, unsubscribes (confirmed with the server) and naks what it still holds, so that
 * another instance gets those messages at once; in-flight handlers finish within the timeout and are acked or
 * nak'ed; what is still running after the timeout is nak'ed.
 */
final class PullConsumerContainer extends JetStreamContainer {

	/** Handlers this fast or faster get through a full batch within the ack wait, or the startup says so. */
	private static final Duration FAST_HANDLER = Duration.ofMillis(10);

	final UnsettledDeliveries deliveries = new UnsettledDeliveries();

	private final ConsumerSupervisor supervisor = new ConsumerSupervisor(this);

	private final PullDeadLetterer deadLetterer = new PullDeadLetterer(this);

	/** Messages the method handled (however they were settled): the stall detector's measure of progress. */
	private final LongAdder settled = new LongAdder();

	/** Messages given back (nak'ed) without being handled, while stopping. */
	private final AtomicLong givenBack = new AtomicLong();

	private volatile PullLoop pullLoop;

	private volatile boolean setUp;

	private volatile boolean consuming;

	private volatile Duration ackWait = Duration.ofSeconds(30);

	private volatile long serverMaxDeliver = -1;

	private volatile DedupeStore dedupeStore;

	private volatile ScheduledFuture<?> inProgressTask;

	private volatile PullSettings pullSettings;

	private volatile long lastWaitWarning;

	PullConsumerContainer(JetStreamListenerEndpoint endpoint, ListenerContext context) {
		super(endpoint, context);
		this.support.getMeters()
			.register(endpoint.id(), endpoint.stream(), endpoint.consumer(), () -> gauge(false), () -> gauge(true));
	}

	private double gauge(boolean ackPending) {
		ConsumerInfo current = this.supervisor.info();
		if (current == null || !this.running) {
			return Double.NaN;
		}
		return ackPending ? current.getNumAckPending() : current.getNumPending();
	}

	// --- lifecycle -------------------------------------------------------------------------------------------------

	@Override
	void prepareStart() {
		this.workers = this.context.createWorkers("nats-jetstream-" + this.endpoint.id(), this.endpoint.concurrency());
		this.scheduler = newScheduler(2);
	}

	@Override
	String source() {
		return "consumer " + consumerName();
	}

	@Override
	void supervise() {
		this.supervisor.supervise();
	}

	/**
	 * Ensures the consumer and everything the listener needs, then starts pulling.
	 */
	@Override
	void setup() {
		Connection current = this.connection;
		try {
			JetStreamManagement jsm = management(current);
			ensureConsumer();
			ConsumerInfo consumerInfo = readConsumer(jsm);
			applyConsumerSettings(consumerInfo);
			this.deadLetter = prepareDeadLetters(jsm);
			if (this.endpoint.dedupe() != DedupeMode.NONE) {
				DedupeStore store = this.support.dedupeStore(this.context.getConnectionManager());
				verify(store);
				this.dedupeStore = store;
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

	/**
	 * A listener that asked for de-duplication does not run without it: the bucket must exist (or be created) and
	 * answer.
	 */
	private void verify(DedupeStore store) throws IOException, JetStreamApiException {
		try {
			store.verify();
		}
		catch (JetStreamApiException ex) {
			if (isTransient(ex)) {
				throw ex;
			}
			throw new JetStreamListenerException(what() + " (" + this.endpoint.method().getDescription()
					+ "): dedupe = \"" + this.endpoint.dedupe().name().toLowerCase().replace('_', '-')
					+ "\" but the de-duplication bucket '" + this.support.getDefaults().dedupeBucket()
					+ "' cannot be used: " + ex.getMessage(), ex);
		}
		catch (IllegalStateException ex) {
			throw new JetStreamListenerException(what() + " (" + this.endpoint.method().getDescription()
					+ "): dedupe = \"" + this.endpoint.dedupe().name().toLowerCase().replace('_', '-') + "\" but "
					+ ex.getMessage(), ex);
		}
	}

	private void ensureConsumer() {
		if (this.support.getReconciler() == null) {
			return;
		}
		ResourceReport report = this.support.getReconciler()
			.ensureConsumer(this.endpoint.stream(), this.endpoint.declaration(), this.endpoint.reconcileReasons());
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
			this.supervisor.accept(consumerInfo);
			return consumerInfo;
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == ConsumerSupervisor.CONSUMER_NOT_FOUND
					|| ex.getApiErrorCode() == ConsumerSupervisor.STREAM_NOT_FOUND) {
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
		applyPullLimits(configuration);
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

	/**
	 * Fits the pull settings into the consumer's limits (max-batch, max-expires, max-bytes), warning about each
	 * setting lowered; again whenever the consumer's limits change.
	 * @param configuration the consumer's configuration as the server has it
	 */
	void applyPullLimits(ConsumerConfiguration configuration) {
		List<String> lowered = new ArrayList<>();
		PullSettings fitted = PullSettings.fit(this.endpoint, configuration, lowered::add);
		if (!fitted.equals(this.pullSettings)) {
			lowered.forEach((warning) -> this.logger.warn(what() + ": " + warning + " (the server refuses pulls "
					+ "beyond the consumer's limits)"));
			this.pullSettings = fitted;
		}
	}

	PullSettings pullSettings() {
		return this.pullSettings;
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
		if (!isActive() || this.pullLoop != null) {
			return;
		}
		JetStreamSubscription subscription = this.connection
			.jetStream(this.support.jetStreamOptions(this.endpoint.stream()))
			.subscribe(null, PullSubscribeOptions.fastBind(this.endpoint.stream(), this.endpoint.consumer()));
		PullLoop loop = new PullLoop(this, subscription);
		this.pullLoop = loop;
		this.consuming = true;
		scheduleInProgress();
		loop.start();
		this.logger.info(what() + " consumes " + consumerName() + " (concurrency " + this.endpoint.concurrency()
				+ ", batch " + this.pullSettings.batchSize()
				+ ((this.pullSettings.maxBatch() > this.pullSettings.batchSize())
						? " (up to " + this.pullSettings.maxBatch() + " while handlers keep up)" : "")
				+ ", ack " + this.endpoint.ackMode().name().toLowerCase()
				+ ", ack wait " + this.ackWait + ", max deliver " + this.attempts + ", dead letters "
				+ ((this.deadLetter != null) ? "to '" + this.deadLetter.getSubject() + "'" : "off") + ")");
		warnIfBatchOutlastsAckWait();
	}

	/**
	 * Says at startup when a full batch can be handled within the ack wait only by very fast handlers. Messages
	 * waiting in the client are kept in progress, so nothing is redelivered, but they are held back from other
	 * instances, and a message held for longer than max-in-progress is given up.
	 */
	private void warnIfBatchOutlastsAckWait() {
		int batch = this.pullSettings.batchSize();
		int concurrency = this.endpoint.concurrency();
		long rounds = (batch + concurrency - 1) / concurrency;
		Duration perMessage = this.ackWait.dividedBy(Math.max(1, rounds));
		if (rounds > 1 && perMessage.compareTo(FAST_HANDLER) < 0) {
			this.logger.warn(what() + ": a batch of " + batch + " at concurrency " + concurrency + " is handled within "
					+ "the ack wait (" + this.ackWait + ") only if each message takes less than " + perMessage.toMillis()
					+ "ms. Messages waiting in the client are kept in progress (up to max-in-progress, "
					+ maxInProgress() + ") but are held back from other instances: lower batchSize, raise "
					+ "concurrency or the ack wait.");
		}
	}

	Duration maxInProgress() {
		return this.support.getDefaults().maxInProgress();
	}

	String consumerName() {
		return this.endpoint.stream() + "/" + this.endpoint.consumer();
	}

	/**
	 * Starts the consumer thread again if it ended unexpectedly.
	 */
	void ensureConsumerThread() {
		PullLoop loop = this.pullLoop;
		if (loop != null && loop.isAlive()) {
			return;
		}
		this.logger.error(what() + ": its consumer threads ended unexpectedly; starting them again");
		replacePullLoop("its threads ended");
	}

	/**
	 * Replaces the pull loop with a new one on a new subscription: the old one stops pulling and gives back what it
	 * holds (nak), as on stop. For a loop whose threads ended, and for a stalled listener.
	 * @param why for the log
	 */
	synchronized void replacePullLoop(String why) {
		if (!isActive()) {
			return;
		}
		PullLoop old = this.pullLoop;
		if (old != null) {
			old.retire();
		}
		this.pullLoop = null;
		this.logger.info(what() + " starts a new pull loop on " + consumerName() + " (" + why + ")");
		try {
			startConsuming();
		}
		catch (IOException | JetStreamApiException ex) {
			throw new ListenerTransientException(ex);
		}
	}

	/**
	 * What the client side of the listener sees, for the stall detector.
	 * @return the view
	 */
	StallDetector.ClientView clientView() {
		PullLoop loop = this.pullLoop;
		return new StallDetector.ClientView((loop != null) ? loop.waiting() : 0, this.deliveries.handling(),
				this.deliveries.isProgressing(), this.settled.sum(), (loop != null) ? loop.pullsOpen() : 0);
	}

	private void scheduleInProgress() {
		ScheduledFuture<?> previous = this.inProgressTask;
		if (previous != null) {
			previous.cancel(false);
		}
		long period = Math.max(20, Math.min(1000, this.ackWait.toMillis() / 6));
		this.inProgressTask = this.scheduler.scheduleAtFixedRate(guarded("in-progress signals",
				() -> this.deliveries.signalInProgress(this.ackWait, maxInProgress(), this::abandoned)), period, period,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Starts the pull accounting over: after the consumer was recreated or the pull stalled.
	 */
	void restartConsuming(String why) {
		PullLoop loop = this.pullLoop;
		if (!isActive() || loop == null) {
			return;
		}
		this.logger.info(what() + " pulls again on " + this.endpoint.stream() + "/" + this.endpoint.consumer() + " ("
				+ why + ")");
		loop.resetPulls();
	}

	boolean isActive() {
		return this.running && !this.stopping;
	}

	boolean isSetUp() {
		return this.setUp;
	}

	long serverMaxDeliver() {
		return this.serverMaxDeliver;
	}

	// --- messages --------------------------------------------------------------------------------------------------

	/**
	 * Messages handled so far, however they were settled.
	 * @return the count
	 */
	long settledCount() {
		return this.settled.sum();
	}

	/**
	 * Takes a message the pull loop received: from now on it is held, and kept in progress, until settled.
	 * @param message the message
	 * @return its delivery
	 */
	Delivery received(Message message) {
		Delivery delivery = new Delivery(message, this::rememberHandled, this::nakDelay);
		this.deliveries.add(delivery);
		return delivery;
	}

	/**
	 * Gives a held message back to the server at once (nak without delay): the listener stops before handling it.
	 * @param delivery the delivery
	 */
	void giveBack(Delivery delivery) {
		if (delivery.nakQuietly(Duration.ZERO)) {
			this.givenBack.incrementAndGet();
		}
		this.deliveries.remove(delivery);
	}

	/**
	 * Handles one held message on one of the pull loop's dispatchers (or a virtual thread).
	 * @param delivery the delivery
	 */
	void handle(Delivery delivery) {
		if (this.stopping) {
			// waited for a worker while the listener began to stop: not started, so not handled here
			giveBack(delivery);
			return;
		}
		if (delivery.isAbandoned()) {
			// waited for a worker longer than max-in-progress (logged then): the server delivers it again
			this.deliveries.remove(delivery);
			record(TIMED_OUT, delivery.receivedNanos());
			return;
		}
		delivery.handlingStarted();
		long start = System.nanoTime();
		warnIfWaitedLong(delivery, start);
		JetStreamMetadata metadata = delivery.metadata();
		try {
			process(delivery, metadata, start);
		}
		catch (Throwable ex) {
			this.logger.error(what() + " failed unexpectedly on " + describe(metadata), ex);
			delivery.nakQuietly(nakDelay(metadata.deliveredCount()));
			recordSettled(RETRIED, delivery, start);
		}
		finally {
			this.deliveries.remove(delivery);
			this.settled.increment();
			activity();
		}
	}

	/**
	 * A message waited in the client for a worker for longer than the ack wait: it was kept in progress, but the
	 * batch is large for handlers this slow (said at most every ten minutes).
	 */
	private void warnIfWaitedLong(Delivery delivery, long now) {
		long waited = now - delivery.receivedNanos();
		if (waited <= this.ackWait.toNanos()) {
			return;
		}
		long last = this.lastWaitWarning;
		if (last != 0 && now - last < TimeUnit.MINUTES.toNanos(10)) {
			return;
		}
		this.lastWaitWarning = now;
		this.logger.warn(what() + ": a message waited " + Duration.ofNanos(waited).toMillis() + "ms in the client for "
				+ "a free worker, longer than the ack wait (" + this.ackWait + "). It was kept in progress, but a batch "
				+ "of " + this.pullSettings.batchSize() + " at concurrency " + this.endpoint.concurrency()
				+ " is large for handlers this slow: messages wait here instead of going to other instances, and one "
				+ "held longer than max-in-progress (" + maxInProgress() + ") is given up. Lower batchSize or raise "
				+ "concurrency.");
	}

	/**
	 * Max-in-progress passed for a held delivery: no more in-progress signals, the server redelivers it.
	 */
	private void abandoned(Delivery delivery) {
		this.logger.warn(what() + ": " + describe(delivery.metadata()) + " has been in progress for longer than "
				+ "max-in-progress (" + maxInProgress() + ")"
				+ (delivery.isHandling() ? " and its handler has not returned" : " waiting for a worker")
				+ "; the listener no longer signals progress and the server delivers it again after the ack wait ("
				+ this.ackWait + ")");
	}

	/**
	 * How much longer an asynchronous result is awaited: what is left of max-in-progress.
	 */
	private Duration remainingInProgress(Delivery delivery) {
		long left = maxInProgress().toNanos() - (System.nanoTime() - delivery.receivedNanos());
		return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), left));
	}

	/**
	 * Records what the delivery's settlement says: {@code ifAcked} when the listener's ack went through, else what
	 * happened instead (stop nak'ed it first, for example).
	 */
	private void recordSettled(String ifAcked, Delivery delivery, long start) {
		Delivery.Settlement settlement = delivery.settlement();
		record((settlement == Delivery.Settlement.ACKED) ? ifAcked
				: (settlement != null) ? outcome(settlement) : UNACKNOWLEDGED, start);
	}

	private void process(Delivery delivery, JetStreamMetadata metadata, long start) {
		Message message = delivery.message();
		if (this.dedupeStore != null && alreadyHandled(message, metadata)) {
			delivery.ack();
			recordSettled(DUPLICATE, delivery, start);
			return;
		}
		if (metadata.deliveredCount() > this.attempts) {
			// delivered again without a result: the process died or the ack got lost on every earlier attempt
			this.deadLetterer.deadLetter(delivery, metadata, null, "max-deliver-exceeded", start);
			return;
		}
		boolean manual = this.endpoint.ackMode() == AckMode.MANUAL;
		try {
			invoke(message, metadata, manual ? delivery : null, remainingInProgress(delivery));
		}
		catch (ResultTimeoutException ex) {
			delivery.abandon();
			this.logger.warn(what() + ": the CompletionStage returned for " + describe(metadata) + " did not complete "
					+ "within max-in-progress (" + maxInProgress() + "); the listener stops waiting for it and "
					+ "the server delivers the message again after the ack wait (" + this.ackWait + ")");
			record(TIMED_OUT, start);
			return;
		}
		catch (Exception ex) {
			onFailure(delivery, metadata, ex, start);
			return;
		}
		if (!manual) {
			delivery.ack();
			recordSettled(ACKED, delivery, start);
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
		return DedupeStore.key(this.endpoint.dedupe(), message, metadata, this.endpoint.consumer());
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
			this.deadLetterer.deadLetter(delivery, metadata, cause, "non-retryable", start);
		}
		else if (metadata.deliveredCount() >= this.attempts) {
			this.deadLetterer.deadLetter(delivery, metadata, cause, "max-deliver", start);
		}
		else {
			Duration delay = nakDelay(metadata.deliveredCount());
			this.logger.warn(what() + " failed on " + describe(metadata) + " (delivery " + metadata.deliveredCount()
					+ " of " + this.attempts + "), retrying in " + delay + ": " + describe(cause));
			delivery.nak(delay);
			record(RETRIED, start);
		}
	}

	// --- stop ------------------------------------------------------------------------------------------------------

	@Override
	public void beginStop(Duration timeout) {
		if (!this.running || this.stopping) {
			return;
		}
		// the pull loop notices within its poll interval; a dispatcher running a handler (concurrency 1) once it returned
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
		PullLoop stopping = this.pullLoop;
		if (stopping != null) {
			// ended for good: a later start must not make it active again (it runs a loop of its own)
			stopping.retire();
		}
		ListenerWorkers current = this.workers;
		if (current != null && !current.close(timeout)) {
			int abandoned = 0;
			for (Delivery delivery : this.deliveries.all()) {
				if (delivery.nakQuietly(Duration.ZERO)) {
					abandoned++;
				}
			}
			this.logger.warn(what() + " still had " + abandoned + " message(s) in flight after the shutdown timeout of "
					+ timeout + "; they were nak'ed and go to another instance");
		}
		PullLoop loop = this.pullLoop;
		if (loop != null) {
			loop.join(Math.max(100, (deadline - System.nanoTime()) / 1_000_000) + 2500);
		}
		synchronized (this) {
			release();
			this.consuming = false;
			this.running = false;
			this.pullLoop = null;
			this.setUp = false;
			this.support.unregister(this);
		}
		if (this.logger.isDebugEnabled()) {
			this.logger.debug(what() + " stopped (" + this.givenBack.get() + " message(s) given back unhandled)");
		}
	}

	@Override
	void release() {
		ScheduledExecutorService current = this.scheduler;
		if (current != null) {
			current.shutdownNow();
		}
		PullLoop loop = this.pullLoop;
		JetStreamSubscription sub = (loop != null) ? loop.subscription() : null;
		if (sub != null && sub.isActive() && !loop.isAlive()) {
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
		return isActive() && this.consuming && !this.supervisor.isConsumerMissing() && !this.supervisor.isStalled()
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
		if (this.supervisor.isStalled()) {
			details.put("stalledFor", this.supervisor.stalledFor().toSeconds() + "s");
		}
		if (this.problem != null) {
			details.put("problem", this.problem);
		}
		ConsumerInfo current = this.supervisor.info();
		if (current != null) {
			details.put("pending", current.getNumPending());
			details.put("ackPending", current.getNumAckPending());
			details.put("redelivered", current.getRedelivered());
			details.put("infoAge", this.supervisor.infoAge().toMillis() + "ms");
		}
		details.put("lastActivity", lastActivity().toString());
		details.put("maxDeliver", this.attempts);
		details.put("ackWait", this.ackWait.toString());
		if (this.deadLetter != null) {
			details.put("deadLetterSubject", this.deadLetter.getSubject());
		}
		int handling = this.deliveries.handling();
		details.put("inFlight", handling);
		details.put("waiting", Math.max(0, this.deliveries.size() - handling));
		PullSettings settings = this.pullSettings;
		if (settings != null) {
			details.put("batchSize", settings.batchSize());
			PullLoop loop = this.pullLoop;
			if (settings.maxBatch() > settings.batchSize() && loop != null) {
				details.put("pullWindow", Math.max(settings.batchSize(), loop.windowSize()));
			}
		}
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
		if (this.supervisor.isConsumerMissing()) {
			return "consumer-missing";
		}
		if (this.supervisor.isStalled()) {
			return "stalled";
		}
		return this.consuming ? "consuming" : "starting";
	}

}
