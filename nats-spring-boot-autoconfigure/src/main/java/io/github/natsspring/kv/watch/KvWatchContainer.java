package io.github.natsspring.kv.watch;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.support.NatsKeyValueUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

import io.github.natsspring.connection.Redaction;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.ListenerMetrics;

/**
 * Runs one KV watcher: creates the watch (an ordered push consumer, see {@link KvWatchSubscription}), replaces it
 * after every reconnect, retries a watch that cannot be created, and reports health. What the handler receives is
 * decided by {@link KvWatchDelivery}: entries in revision order, none at or below the last revision handled.
 * <ul>
 * <li>After every reconnect the watch is replaced with one that starts right after the last revision handled
 * ({@code DeliverPolicy.ByStartSequence}). After a server restart the old ephemeral consumer is gone and jnats would
 * only notice after about 30 s of missing heartbeats; resuming at once closes that gap. Updates-only watches pin
 * their start revision when they start, so a resume also finds changes made while disconnected.</li>
 * <li>While the initial values are still being delivered a resume restarts the initial load and skips what was
 * handled already.</li>
 * <li>Each (re)creation first reads the bucket's stream. A bucket created at another time than before, or with
 * fewer revisions than already handled, is a new bucket (a memory bucket after a restart, a delete and create, a
 * server that lost the end of its store): its revisions start at 1 again, so the watcher logs a warning, starts
 * over and delivers the bucket's current values again.</li>
 * <li>A watch that cannot be created (bucket missing, JetStream not ready after a restart) is retried with backoff
 * until it works or the container stops; a failed attempt leaves nothing subscribed.</li>
 * <li>Every two seconds the server is asked about the watch's consumer ({@link KvWatchStallCheck}). A consumer
 * that is gone (the node holding it died while the connection stayed up: a cluster node killed, a stream leader
 * moved) or that holds pending updates the watcher has not handled for ten seconds, with no handler at work, is
 * reported at WARN and the watch replaced as after a reconnect. jnats' ordered consumer notices a lost consumer
 * only after three missed heartbeats and then races the election to re-create it.</li>
 * </ul>
 *
 * <h2>States</h2>
 * {@code STOPPED -start-> STARTING -watch created-> LOADING -initial values delivered-> WATCHING}. From any running
 * state: connection lost {@code -> DISCONNECTED}, reconnected {@code -> RESUMING -> LOADING or WATCHING}; a failed
 * creation {@code -> RETRYING -> ... }; stalled {@code -> STALLED -> RESUMING}; stop {@code -> STOPPED}. Only {@code WATCHING} is stored for an installed
 * watch: it reads as {@code LOADING} until the delivery has the initial values.
 *
 * <h2>Threads and locks</h2>
 * Watches are created on the thread calling {@link #start}, then on the container's own scheduler thread (retries,
 * resumes after a reconnect, scheduled off jnats' callback thread). Entries arrive on the watch's dispatcher
 * thread. Three locks, always taken in this order, never the other way:
 * <ol>
 * <li>the container's monitor ({@code synchronized (this)}): start and stop, nothing else;</li>
 * <li>{@code watchLock}: held while a watch is created or replaced, so there is one creation at a time;</li>
 * <li>the delivery's lock (inside {@link KvWatchDelivery}): the bookkeeping, held while the handler runs.</li>
 * </ol>
 * Without a lock: the delivery's generation counter, which mutes the current watch at once (on a reconnect, before
 * a new watch is planned, when stopping) even while an entry is being handled; and volatile flags: {@code accepting}
 * (cleared first when stopping: no more creations, the current watch is closed) and {@code running} (the lifecycle
 * state Spring sees).
 */
final class KvWatchContainer implements ListenerContainer, ConnectionListener {

	private static final Log logger = LogFactory.getLog(KvWatchContainer.class);

	private static final long FIRST_RETRY_MILLIS = 250;

	private static final long MAX_RETRY_MILLIS = 10_000;

	private static final int JS_STREAM_NOT_FOUND = 10059;

	/** How often a watch's consumer is checked on the server. */
	private static final long SUPERVISION_INTERVAL_MILLIS = 2_000;

	/** How long a watch may handle nothing while its consumer holds pending updates. */
	private static final Duration STALL_TIMEOUT = Duration.ofSeconds(10);

	private final KvWatchEndpoint endpoint;

	private final KvWatchSpec spec;

	private final String name;

	private final KvWatchDelivery delivery;

	private final Object watchLock = new Object();

	private final AtomicLong resumes = new AtomicLong();

	private final AtomicLong stalls = new AtomicLong();

	private final KvWatchStallCheck stallCheck = new KvWatchStallCheck(STALL_TIMEOUT);

	private volatile State state = State.STOPPED;

	private volatile boolean running;

	private volatile boolean accepting;

	private volatile Connection connection;

	private volatile KvWatchSubscription subscription;

	private volatile ScheduledExecutorService executor;

	private volatile ScheduledFuture<?> retry;

	private volatile CountDownLatch initialValues = new CountDownLatch(1);

	private volatile int attempts;

	private volatile String lastError;

	private volatile Instant lastErrorTime;

	KvWatchContainer(KvWatchEndpoint endpoint, ListenerMetrics metrics) {
		this.endpoint = endpoint;
		this.spec = endpoint.spec();
		this.name = "KV watcher '" + endpoint.id() + "'";
		this.delivery = new KvWatchDelivery(endpoint.id(), this.name, this.spec, endpoint.handler(), metrics,
				this::ready);
	}

	@Override
	public String getKind() {
		return "kv";
	}

	@Override
	public String getId() {
		return this.endpoint.id();
	}

	@Override
	public void start(Connection connection) {
		synchronized (this) {
			if (this.running) {
				return;
			}
			this.connection = connection;
			this.delivery.reset();
			this.initialValues = new CountDownLatch(1);
			this.subscription = null;
			this.attempts = 0;
			this.state = State.STARTING;
			this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "nats-kv-watch-" + this.endpoint.id());
				thread.setDaemon(true);
				return thread;
			});
			this.accepting = true;
			this.running = true;
			connection.addConnectionListener(this);
			this.executor.scheduleWithFixedDelay(this::supervise, SUPERVISION_INTERVAL_MILLIS,
					SUPERVISION_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
		}
		if (subscribeOrRetry()) {
			awaitInitialValues();
		}
	}

	private void awaitInitialValues() {
		Duration wait = this.endpoint.awaitInitialValues();
		if (wait == null || wait.isZero() || wait.isNegative()) {
			return;
		}
		try {
			if (!this.initialValues.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.info(this.name + " is still loading the initial values after " + wait
						+ "; the application starts anyway");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// --- creating the watch --------------------------------------------------------------------------------------

	/**
	 * Creates the watch, or replaces it after a reconnect; on failure schedules a retry.
	 * @return whether the watch was created
	 */
	private boolean subscribeOrRetry() {
		try {
			subscribe();
			this.attempts = 0;
			return true;
		}
		catch (Exception ex) {
			onSubscribeFailure(ex);
			return false;
		}
	}

	private void subscribe() throws IOException, JetStreamApiException {
		synchronized (this.watchLock) {
			if (!this.accepting) {
				return;
			}
			boolean resume = this.subscription != null;
			if (resume) {
				this.state = State.RESUMING;
			}
			// the old watch delivers nothing from here on, so the last revision is final once the entry being
			// handled, if any, is done
			int watchGeneration = this.delivery.retire();
			// also tells whether JetStream answers before anything is subscribed
			StreamInfo stream = this.connection.jetStreamManagement(this.endpoint.api().options(null))
				.getStreamInfo(NatsKeyValueUtil.toStreamName(this.spec.bucket()));
			KvWatchDelivery.Start start = this.delivery.plan(watchGeneration, stream);
			if (start.recreated() != null) {
				logger.warn(this.name + ": bucket '" + this.spec.bucket() + "' is not the one watched before ("
						+ start.recreated() + "); it was created again, its revisions start over. "
						+ (this.spec.updatesOnly() ? "Delivering all its changes from revision 1"
								: "Delivering its current values again"));
			}
			KvWatchSubscription created = KvWatchSubscription.create(this.connection,
					this.endpoint.api().options(null), this.spec.bucket(), stream,
					this.spec.keys(), start.fromRevision(), this.spec.includeHistory(), this.spec.metaOnly(),
					this.delivery.watcher(watchGeneration));
			KvWatchSubscription previous = this.subscription;
			this.subscription = created;
			close(previous);
			if (!this.accepting) {
				// stopped meanwhile
				close(created);
				return;
			}
			this.state = State.WATCHING;
			this.stallCheck.reset();
			this.delivery.watchCreated(watchGeneration);
			if (resume) {
				this.resumes.incrementAndGet();
				String how;
				if (!start.loading()) {
					how = "from revision " + start.fromRevision();
				}
				else if (start.lastRevision() > 0) {
					how = "reloading the initial values, skipping revisions up to " + start.lastRevision();
				}
				else {
					how = "loading the initial values";
				}
				logger.info(this.name + " resumed on bucket '" + this.spec.bucket() + "' " + how);
			}
			else {
				logger.info(this.name + " watches bucket '" + this.spec.bucket() + "' keys " + this.spec.keys()
						+ (this.spec.options().isEmpty() ? "" : " " + this.spec.options())
						+ ((start.fromRevision() > 0) ? " from revision " + start.fromRevision() : ""));
			}
		}
	}

	private void onSubscribeFailure(Exception ex) {
		String error = describeFailure(ex);
		boolean repeated = error.equals(this.lastError);
		this.lastError = error;
		this.lastErrorTime = Instant.now();
		if (!this.accepting) {
			return;
		}
		this.state = State.RETRYING;
		int attempt = ++this.attempts;
		long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempt - 1, 10));
		if (!repeated || attempt % 30 == 0) {
			logger.warn(this.name + " cannot watch bucket '" + this.spec.bucket() + "': " + error
					+ "; retrying (attempt " + attempt + ")");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(this.name + " attempt " + attempt + " failed: " + error);
		}
		schedule(() -> {
			if (this.accepting) {
				subscribeOrRetry();
			}
		}, delay);
	}

	private void schedule(Runnable task, long delayMillis) {
		ScheduledExecutorService current = this.executor;
		if (current == null) {
			return;
		}
		try {
			ScheduledFuture<?> previous = this.retry;
			if (previous != null) {
				previous.cancel(false);
			}
			this.retry = current.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	private String describeFailure(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof IOException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof JetStreamApiException api && api.getApiErrorCode() == JS_STREAM_NOT_FOUND) {
			return "bucket '" + this.spec.bucket() + "' does not exist";
		}
		String message = cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
		return Redaction.redact(message);
	}

	/**
	 * The delivery has the initial values, once per start: tells the handler's listeners.
	 */
	private void ready(long revision, long count) {
		try {
			ApplicationEventPublisher publisher = this.endpoint.eventPublisher();
			if (publisher != null) {
				try {
					publisher.publishEvent(new KvWatchReadyEvent(this, this.endpoint.id(), this.spec.bucket(),
							this.spec.keys(), revision, count));
				}
				catch (RuntimeException ex) {
					logger.warn("A listener for the ready event of " + this.name + " failed", ex);
				}
			}
		}
		finally {
			// after the event, so that a start waiting for the initial values returns with it delivered
			this.initialValues.countDown();
		}
	}

	// --- supervision ---------------------------------------------------------------------------------------------

	/**
	 * One round on the scheduler thread: asks the server about the watch's consumer; a watch whose consumer is gone,
	 * or that handles nothing while its consumer holds pending updates, is reported and replaced by one that
	 * resumes after the last revision handled. A round the server cannot answer (an election) changes nothing.
	 */
	private void supervise() {
		KvWatchSubscription current = this.subscription;
		if (!this.accepting || current == null || this.state != State.WATCHING) {
			this.stallCheck.reset();
			return;
		}
		ConsumerInfo info;
		try {
			info = current.consumerInfo();
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			if (this.stallCheck.unanswered() && bucketAnswers() && current == this.subscription) {
				stalled("the server does not answer about its consumer while the bucket answers (the consumer's "
						+ "node is gone: " + describeFailure(ex) + "). Last revision handled "
						+ this.delivery.getLastRevision());
			}
			return;
		}
		try {
			if (info == null) {
				if (current == this.subscription) {
					stalled("its consumer is gone from the server (its server restarted or left the cluster, or "
							+ "it was deleted). Last revision handled " + this.delivery.getLastRevision());
				}
				return;
			}
			if (this.stallCheck.isStalled(info, this.delivery.getLastRevision(), this.delivery.isHandling(),
					System.nanoTime())) {
				stalled("it handled nothing for " + STALL_TIMEOUT + " while its consumer holds updates. Server: "
						+ "num_pending=" + info.getNumPending() + ", delivered stream sequence "
						+ info.getDelivered().getStreamSequence() + ", last revision handled "
						+ this.delivery.getLastRevision());
			}
		}
		catch (RuntimeException ex) {
			logger.debug(this.name + ": supervision round failed", ex);
		}
	}

	private boolean bucketAnswers() {
		try {
			this.connection.jetStreamManagement(this.endpoint.api().options(null))
				.getStreamInfo(NatsKeyValueUtil.toStreamName(this.spec.bucket()));
			return true;
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			// no JetStream leader either (an election, reconnecting): nothing to tell about the watch yet
			return false;
		}
	}

	private void stalled(String why) {
		this.stalls.incrementAndGet();
		this.state = State.STALLED;
		logger.warn(this.name + " on bucket '" + this.spec.bucket() + "' is stalled: " + why
				+ ". Watching again after the last revision handled.");
		subscribeOrRetry();
	}

	// --- connection events ---------------------------------------------------------------------------------------

	@Override
	public void connectionEvent(Connection conn, Events type) {
		if (!this.accepting || conn != this.connection) {
			return;
		}
		switch (type) {
			case DISCONNECTED, CLOSED -> this.state = State.DISCONNECTED;
			case RECONNECTED -> {
				// the watch is replaced: it delivers nothing more from now on
				this.delivery.retire();
				this.state = State.RESUMING;
				// off the connection's callback thread: resuming makes JetStream API requests
				schedule(() -> {
					if (this.accepting) {
						subscribeOrRetry();
					}
				}, 0);
			}
			default -> {
			}
		}
	}

	// --- stop ----------------------------------------------------------------------------------------------------

	@Override
	public void beginStop(Duration timeout) {
		if (!this.accepting) {
			return;
		}
		this.accepting = false;
		this.delivery.retire();
		Connection current = this.connection;
		if (current != null) {
			try {
				current.removeConnectionListener(this);
			}
			catch (RuntimeException ex) {
				// closed
			}
		}
		ScheduledFuture<?> pending = this.retry;
		if (pending != null) {
			pending.cancel(false);
		}
		close(this.subscription);
	}

	@Override
	public void stop(Duration timeout) {
		if (!this.running) {
			return;
		}
		beginStop(timeout);
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			try {
				// waits for the entry being handled, if any
				if (!this.delivery.awaitIdle(timeout)) {
					logger.warn(this.name + " was still handling an entry after the shutdown timeout of " + timeout);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			ScheduledExecutorService current = this.executor;
			if (current != null) {
				current.shutdownNow();
			}
			this.executor = null;
			this.subscription = null;
			this.state = State.STOPPED;
			this.endpoint.handler().onStop();
		}
	}

	private static void close(KvWatchSubscription subscription) {
		if (subscription != null) {
			subscription.close();
		}
	}

	// --- state ---------------------------------------------------------------------------------------------------

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isHealthy() {
		State current = getState();
		return this.running
				&& (current == State.LOADING || current == State.WATCHING || current == State.RESUMING);
	}

	/**
	 * The last revision handed to the handler (or skipped as a delete when deletes are ignored).
	 * @return the revision, 0 before the first
	 */
	long getLastRevision() {
		return this.delivery.getLastRevision();
	}

	State getState() {
		State current = this.state;
		return (current == State.WATCHING && !this.delivery.isInitialDone()) ? State.LOADING : current;
	}

	/**
	 * Failed attempts to create the watch since it last worked.
	 * @return the number of attempts
	 */
	int getAttempts() {
		return this.attempts;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", this.endpoint.id());
		details.put("bucket", this.spec.bucket());
		details.put("keys", this.spec.keys());
		if (!this.spec.options().isEmpty()) {
			details.put("options", this.spec.options());
		}
		details.put("state", getState().name());
		details.put("lastRevision", this.delivery.getLastRevision());
		details.put("initialValuesDone", this.delivery.isInitialDone());
		details.put("delivered", this.delivery.getDelivered());
		details.put("failed", this.delivery.getFailed());
		details.put("duplicatesSkipped", this.delivery.getDuplicates());
		details.put("resumes", this.resumes.get());
		details.put("stalls", this.stalls.get());
		Instant lastChange = this.delivery.getLastChangeTime();
		if (lastChange != null) {
			details.put("lastChange", lastChange.toString());
		}
		if (this.lastError != null) {
			details.put("lastError", this.lastError);
			details.put("lastErrorTime", String.valueOf(this.lastErrorTime));
		}
		details.putAll(this.endpoint.handler().describe());
		return details;
	}

	@Override
	public String toString() {
		return "KvWatchContainer[" + this.endpoint.id() + ", " + this.spec + ", " + getState() + "]";
	}

	/**
	 * What a watcher is doing.
	 */
	enum State {

		/** Not started, or stopped. */
		STOPPED,
		/** Creating the watch. */
		STARTING,
		/** Delivering the initial values. */
		LOADING,
		/** Following changes. */
		WATCHING,
		/** The connection is lost; the watch resumes when it is back. */
		DISCONNECTED,
		/** Re-creating the watch after a reconnect. */
		RESUMING,
		/** The watch could not be created; retrying with backoff. */
		RETRYING,
		/** The watch made no progress while updates wait for it, or its consumer is gone; being replaced. */
		STALLED

	}

}
