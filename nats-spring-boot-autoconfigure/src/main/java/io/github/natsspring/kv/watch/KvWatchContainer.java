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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

import io.github.natsspring.connection.Redaction;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.ListenerMetrics;
import io.github.natsspring.listener.ServiceError;

/**
 * Runs one KV watcher. The watch is jnats' {@code KeyValue.watch} (an ordered push consumer); this container adds
 * what jnats leaves to the application:
 * <ul>
 * <li>It remembers the last revision handed to the handler and drops anything at or below it, so an entry is never
 * handled twice, whoever recreated the consumer.</li>
 * <li>After every reconnect it replaces the watch with one that starts right after that revision
 * ({@code DeliverPolicy.ByStartSequence}). After a server restart the old ephemeral consumer is gone and jnats would
 * only notice after about 30 s of missing heartbeats; resuming at once closes that gap. Updates-only watches pin
 * their start revision when they start, so a resume also finds changes made while disconnected.</li>
 * <li>While the initial values are still being delivered a resume restarts the initial load and skips what was
 * handled already.</li>
 * <li>A watch that cannot be created (bucket missing, JetStream not ready after a restart) is retried with backoff
 * until it works or the container stops.</li>
 * </ul>
 * Entries are handled one at a time on the watch's dispatcher thread, in revision order; a failing handler is
 * logged and the watch goes on.
 */
final class KvWatchContainer implements ListenerContainer, ConnectionListener {

	private static final Log logger = LogFactory.getLog(KvWatchContainer.class);

	private static final long FIRST_RETRY_MILLIS = 250;

	private static final long MAX_RETRY_MILLIS = 10_000;

	private static final int JS_STREAM_NOT_FOUND = 10059;

	private final KvWatchEndpoint endpoint;

	private final KvWatchSpec spec;

	private final KvEntryHandler handler;

	private final ListenerMetrics metrics;

	private final String name;

	private final Object subscribeMonitor = new Object();

	private final ReentrantLock deliveryLock = new ReentrantLock();

	private final AtomicInteger generation = new AtomicInteger();

	private final AtomicLong delivered = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong duplicates = new AtomicLong();

	private final AtomicLong resumes = new AtomicLong();

	// guarded by deliveryLock for writes
	private volatile long lastRevision;

	private volatile boolean initialDone;

	private volatile long initialCount;

	private volatile boolean readyFired;

	private volatile State state = State.STOPPED;

	private volatile boolean running;

	private volatile boolean accepting;

	private volatile Connection connection;

	private volatile NatsKeyValueWatchSubscription subscription;

	private volatile ScheduledExecutorService executor;

	private volatile ScheduledFuture<?> retry;

	private volatile CountDownLatch initialValues = new CountDownLatch(1);

	private volatile int attempts;

	private volatile String lastError;

	private volatile Instant lastErrorTime;

	private volatile Instant lastChangeTime;

	KvWatchContainer(KvWatchEndpoint endpoint, ListenerMetrics metrics) {
		this.endpoint = endpoint;
		this.metrics = metrics;
		this.spec = endpoint.spec();
		this.handler = endpoint.handler();
		this.name = "KV watcher '" + endpoint.id() + "'";
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
			this.deliveryLock.lock();
			try {
				this.lastRevision = 0;
				this.initialDone = false;
				this.initialCount = 0;
				this.readyFired = false;
			}
			finally {
				this.deliveryLock.unlock();
			}
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
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (Exception ex) {
			onSubscribeFailure(ex);
			return false;
		}
	}

	private void subscribe() throws Exception {
		synchronized (this.subscribeMonitor) {
			if (!this.accepting) {
				return;
			}
			boolean resume = this.subscription != null;
			if (resume) {
				this.state = State.RESUMING;
			}
			KeyValue kv = this.connection.keyValue(this.spec.bucket());
			long baseline = -1;
			if (this.spec.updatesOnly() && !this.initialDone) {
				// pin the start: everything after this revision is an update, also across a reconnect
				baseline = kv.getStatus().getBackingStreamInfo().getStreamState().getLastSequence();
			}
			int watchGeneration = this.generation.incrementAndGet();
			long from;
			long seen;
			boolean loading;
			this.deliveryLock.lock();
			try {
				// entries of older watches are dropped from here on (generation), so lastRevision is final for them
				if (baseline >= 0) {
					this.lastRevision = Math.max(this.lastRevision, baseline);
					this.initialDone = true;
				}
				loading = !this.initialDone;
				seen = this.lastRevision;
				from = loading ? 0 : seen + 1;
			}
			finally {
				this.deliveryLock.unlock();
			}
			KeyValueWatcher watcher = new GenerationWatcher(watchGeneration);
			NatsKeyValueWatchSubscription created = (from > 0)
					? kv.watch(this.spec.keys(), watcher, from, watchOptions(false))
					: kv.watch(this.spec.keys(), watcher, watchOptions(true));
			NatsKeyValueWatchSubscription previous = this.subscription;
			this.subscription = created;
			unsubscribeQuietly(previous);
			if (!this.accepting) {
				// stopped meanwhile
				unsubscribeQuietly(created);
				return;
			}
			boolean done;
			this.deliveryLock.lock();
			try {
				// under the lock: the end of the initial values may have been signalled meanwhile
				done = this.initialDone;
				this.state = done ? State.WATCHING : State.LOADING;
			}
			finally {
				this.deliveryLock.unlock();
			}
			if (done) {
				fireReady(watchGeneration);
			}
			if (resume) {
				this.resumes.incrementAndGet();
				logger.info(this.name + " resumed on bucket '" + this.spec.bucket() + "' "
						+ (loading ? "reloading the initial values, skipping revisions up to " + seen
								: "from revision " + from));
			}
			else {
				logger.info(this.name + " watches bucket '" + this.spec.bucket() + "' keys " + this.spec.keys()
						+ (this.spec.options().isEmpty() ? "" : " " + this.spec.options())
						+ ((from > 0) ? " from revision " + from : ""));
			}
		}
	}

	private KeyValueWatchOption[] watchOptions(boolean initial) {
		// deletes are filtered here, not by jnats, so that their revisions still count as seen
		if (initial && this.spec.includeHistory()) {
			return this.spec.metaOnly()
					? new KeyValueWatchOption[] { KeyValueWatchOption.INCLUDE_HISTORY, KeyValueWatchOption.META_ONLY }
					: new KeyValueWatchOption[] { KeyValueWatchOption.INCLUDE_HISTORY };
		}
		return this.spec.metaOnly() ? new KeyValueWatchOption[] { KeyValueWatchOption.META_ONLY }
				: new KeyValueWatchOption[0];
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

	// --- delivery ------------------------------------------------------------------------------------------------

	private void onEntry(int watchGeneration, KeyValueEntry entry) {
		this.deliveryLock.lock();
		try {
			if (watchGeneration != this.generation.get() || !this.accepting) {
				return;
			}
			long revision = entry.getRevision();
			if (revision <= this.lastRevision) {
				this.duplicates.incrementAndGet();
				return;
			}
			this.lastRevision = revision;
			this.lastChangeTime = Instant.now();
			if (this.spec.ignoreDeletes() && entry.getOperation() != KeyValueOperation.PUT) {
				return;
			}
			boolean initial = !this.initialDone;
			if (initial) {
				this.initialCount++;
			}
			long start = System.nanoTime();
			try {
				this.handler.onEntry(entry, initial);
				this.delivered.incrementAndGet();
				this.metrics.record(this.endpoint.id(), "kv", "success", System.nanoTime() - start);
			}
			catch (Throwable ex) {
				if (ex instanceof VirtualMachineError fatal) {
					throw fatal;
				}
				this.failed.incrementAndGet();
				this.metrics.record(this.endpoint.id(), "kv", "failure", System.nanoTime() - start);
				String what = this.name + " failed on key '" + entry.getKey() + "' revision " + revision + " ("
						+ entry.getOperation() + "); the watch goes on";
				Throwable cause = ServiceError.unwrap(ex);
				if (ServiceError.isPermanent(cause)) {
					// the value cannot be read or is invalid: the stack trace would not help
					logger.warn(what + ": " + firstLine(cause.getMessage()));
				}
				else {
					logger.error(what, cause);
				}
			}
		}
		finally {
			this.deliveryLock.unlock();
		}
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "the value could not be read";
		}
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

	private void onEndOfData(int watchGeneration) {
		this.deliveryLock.lock();
		try {
			if (watchGeneration != this.generation.get() || !this.accepting || this.initialDone) {
				return;
			}
			this.initialDone = true;
			this.state = State.WATCHING;
		}
		finally {
			this.deliveryLock.unlock();
		}
		fireReady(watchGeneration);
	}

	private void fireReady(int watchGeneration) {
		long revision;
		long count;
		this.deliveryLock.lock();
		try {
			if (this.readyFired || watchGeneration != this.generation.get()) {
				return;
			}
			this.readyFired = true;
			revision = this.lastRevision;
			count = this.initialCount;
		}
		finally {
			this.deliveryLock.unlock();
		}
		if (logger.isDebugEnabled()) {
			logger.debug(this.name + " delivered " + count + " initial value(s) up to revision " + revision);
		}
		try {
			this.handler.onInitialValuesDone();
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

	// --- connection events ---------------------------------------------------------------------------------------

	@Override
	public void connectionEvent(Connection conn, Events type) {
		if (!this.accepting || conn != this.connection) {
			return;
		}
		switch (type) {
			case DISCONNECTED -> this.state = State.DISCONNECTED;
			case RECONNECTED -> {
				this.state = State.RESUMING;
				// off the connection's callback thread: resuming makes JetStream API requests
				schedule(() -> {
					if (this.accepting) {
						subscribeOrRetry();
					}
				}, 0);
			}
			case CLOSED -> this.state = State.DISCONNECTED;
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
		unsubscribeQuietly(this.subscription);
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
				if (this.deliveryLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					this.deliveryLock.unlock();
				}
				else {
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
			this.handler.onStop();
		}
	}

	private static void unsubscribeQuietly(NatsKeyValueWatchSubscription sub) {
		if (sub == null) {
			return;
		}
		try {
			sub.unsubscribe();
		}
		catch (RuntimeException ex) {
			// connection closed or already unsubscribed
		}
	}

	// --- state ---------------------------------------------------------------------------------------------------

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isHealthy() {
		State current = this.state;
		return this.running
				&& (current == State.LOADING || current == State.WATCHING || current == State.RESUMING);
	}

	/**
	 * The last revision handed to the handler (or skipped as a delete when deletes are ignored).
	 * @return the revision, 0 before the first
	 */
	long getLastRevision() {
		return this.lastRevision;
	}

	State getState() {
		return this.state;
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
		details.put("state", this.state.name());
		details.put("lastRevision", this.lastRevision);
		details.put("initialValuesDone", this.initialDone);
		details.put("delivered", this.delivered.get());
		details.put("failed", this.failed.get());
		details.put("duplicatesSkipped", this.duplicates.get());
		details.put("resumes", this.resumes.get());
		Instant lastChange = this.lastChangeTime;
		if (lastChange != null) {
			details.put("lastChange", lastChange.toString());
		}
		if (this.lastError != null) {
			details.put("lastError", this.lastError);
			details.put("lastErrorTime", String.valueOf(this.lastErrorTime));
		}
		details.putAll(this.handler.describe());
		return details;
	}

	@Override
	public String toString() {
		return "KvWatchContainer[" + this.endpoint.id() + ", " + this.spec + ", " + this.state + "]";
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
		RETRYING

	}

	/**
	 * Passes one watch's entries on, tagged with the watch's generation so that a replaced watch cannot deliver.
	 */
	private final class GenerationWatcher implements KeyValueWatcher {

		private final int watchGeneration;

		GenerationWatcher(int watchGeneration) {
			this.watchGeneration = watchGeneration;
		}

		@Override
		public void watch(KeyValueEntry entry) {
			onEntry(this.watchGeneration, entry);
		}

		@Override
		public void endOfData() {
			onEndOfData(this.watchGeneration);
		}

	}

}
