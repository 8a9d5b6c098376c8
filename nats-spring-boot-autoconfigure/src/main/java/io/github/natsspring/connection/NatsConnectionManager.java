package io.github.natsspring.connection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ServerInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsConnectionEvent.Type;
import io.github.natsspring.connection.NatsConnectionException.Reason;
import io.github.natsspring.core.NatsNotConnectedException;

/**
 * Owns the application's NATS connection: connects on start, keeps connecting in the background while NATS is
 * unavailable (or fails startup in fail-fast mode), reports every connection event as a log line and a
 * {@link NatsConnectionEvent}, and drains the connection on stop.
 * <p>
 * Other components ask for the connection with {@link #getConnection()} or run work once it exists with
 * {@link #whenConnected(Consumer)}; jnats itself restores subscriptions after a reconnect.
 * <p>
 * As a bean, the manager begins its first connection attempt in the background as soon as it is created
 * ({@link #connectAhead()}), so that connecting overlaps the rest of the application's startup; {@link #start()}
 * takes that attempt's outcome as its own. Until then nothing uses the connection and no event is published.
 */
public class NatsConnectionManager
		implements InitializingBean, DisposableBean, SmartLifecycle, ApplicationEventPublisherAware {

	private static final Log logger = LogFactory.getLog(NatsConnectionManager.class);

	/** The oldest server release the starter supports fully. */
	static final String MINIMUM_SERVER_VERSION = "2.10.0";

	private final Object lifecycleMonitor = new Object();

	private final Object connectionMonitor = new Object();

	private final Options options;

	private final List<String> servers;

	private final Duration drainTimeout;

	private final boolean failFast;

	private final List<Consumer<Connection>> pendingCallbacks = new ArrayList<>();

	private final List<String> warnedVersions = new CopyOnWriteArrayList<>();

	private ApplicationEventPublisher eventPublisher;

	private volatile ExecutorService eventExecutor;

	private volatile Connection connection;

	private volatile NatsConnectionState state = NatsConnectionState.NEW;

	private volatile String lastError;

	private volatile Instant lastErrorTime;

	private volatile Throwable lastAttemptFailure;

	private volatile String lastAttemptServerError;

	private volatile Thread connectThread;

	private boolean callbacksQueued;

	/** The first connection attempt, begun before {@link #start()}; guarded by the lifecycle monitor. */
	private CompletableFuture<Connection> attemptAhead;

	/** Events of the attempt ahead, published once the manager starts; guarded by itself. */
	private final List<NatsConnectionEvent> heldEvents = new ArrayList<>();

	private boolean holdingEvents;

	private volatile boolean running;

	/**
	 * Creates a manager.
	 * @param options the jnats options; the manager adds its own connection and error listeners, delegating to
	 * any the options already have
	 * @param drainTimeout how long {@link #stop()} waits for the drain
	 * @param failFast whether {@link #start()} throws {@link NatsConnectionException} when no server is reachable
	 */
	public NatsConnectionManager(Options options, Duration drainTimeout, boolean failFast) {
		this.servers = Redaction.redactServers(options.getServers().stream().map(Object::toString).toList());
		NatsConnectionEvents events = new NatsConnectionEvents(this, options.getConnectionListener(),
				options.getErrorListener());
		this.options = new Options.Builder(options).connectionListener(events).errorListener(events).build();
		this.drainTimeout = drainTimeout;
		this.failFast = failFast;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	@Override
	public void afterPropertiesSet() {
		connectAhead();
	}

	/**
	 * Begins the first connection attempt in a background thread; {@link #start()} then waits for its outcome
	 * instead of attempting itself. Connection events of the attempt are held until the start. Does nothing once
	 * started or when an attempt is already under way.
	 */
	public void connectAhead() {
		synchronized (this.lifecycleMonitor) {
			if (this.running || this.attemptAhead != null) {
				return;
			}
			synchronized (this.heldEvents) {
				this.holdingEvents = true;
			}
			CompletableFuture<Connection> attempt = new CompletableFuture<>();
			Thread thread = new Thread(() -> {
				try {
					attempt.complete(attemptConnect());
				}
				catch (Throwable ex) {
					attempt.completeExceptionally(ex);
				}
			}, "nats-connect-ahead");
			thread.setDaemon(true);
			this.attemptAhead = attempt;
			thread.start();
		}
	}

	/**
	 * The first connection attempt while it runs ahead of the start, for preparation that only reads (the
	 * reconciler plans its startup run on it): nothing else uses that connection before the start adopts it.
	 * @return the attempt, {@code null} when none was begun or the manager has started
	 */
	public CompletionStage<Connection> connectionAhead() {
		synchronized (this.lifecycleMonitor) {
			return (this.attemptAhead != null) ? this.attemptAhead.minimalCompletionStage() : null;
		}
	}

	@Override
	public int getPhase() {
		return NatsLifecyclePhases.CONNECTION;
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			this.eventExecutor = Executors.newSingleThreadExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "nats-connection-events");
				thread.setDaemon(true);
				return thread;
			});
			releaseHeldEvents();
			this.state = NatsConnectionState.CONNECTING;
			Connection connected;
			try {
				connected = (this.attemptAhead != null) ? takeAttemptAhead() : attemptConnect();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.running = false;
				abandonAttemptAhead();
				throw new IllegalStateException("Interrupted while connecting to NATS", ex);
			}
			catch (Exception ex) {
				Reason reason = ConnectFailureClassifier.classify(ex, this.lastAttemptFailure,
						this.lastAttemptServerError);
				String detail = describeAttemptFailure(ex);
				recordError(detail);
				if (this.failFast) {
					this.running = false;
					this.state = NatsConnectionState.CLOSED;
					this.eventExecutor.shutdownNow();
					// the jnats exception names the servers with their user-info: keep only a redacted copy
					throw new NatsConnectionException(this.servers, reason, detail, Redaction.redact(ex));
				}
				logger.warn("NATS is not available at " + this.servers + ": " + reason.getDescription() + " ("
						+ detail + "). The application starts anyway and keeps connecting in the background.");
				publish(new NatsConnectionEvent(this, Type.CONNECT_FAILED, null, reason.getDescription() + ": " + detail));
				connectInBackground();
				return;
			}
			// outside the try: a failing callback is not a connection failure
			adopt(connected, false);
		}
	}

	private Connection takeAttemptAhead() throws Exception {
		try {
			Connection connected = this.attemptAhead.get();
			this.attemptAhead = null;
			return connected;
		}
		catch (ExecutionException ex) {
			this.attemptAhead = null;
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	/** An attempt ahead that no start will take (stopped, destroyed, interrupted) must not leave a connection. */
	private void abandonAttemptAhead() {
		CompletableFuture<Connection> attempt = this.attemptAhead;
		this.attemptAhead = null;
		if (attempt != null) {
			attempt.thenAccept(NatsConnectionManager::closeQuietly);
		}
		synchronized (this.heldEvents) {
			this.holdingEvents = false;
			this.heldEvents.clear();
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void releaseHeldEvents() {
		List<NatsConnectionEvent> held;
		synchronized (this.heldEvents) {
			if (!this.holdingEvents) {
				return;
			}
			this.holdingEvents = false;
			held = new ArrayList<>(this.heldEvents);
			this.heldEvents.clear();
			// published in order, before any event of the started manager (those queue behind on the executor)
			held.forEach(this::publish);
		}
	}

	private Connection attemptConnect() throws Exception {
		this.lastAttemptFailure = null;
		this.lastAttemptServerError = null;
		return Nats.connect(this.options);
	}

	private String describeAttemptFailure(Exception ex) {
		Throwable cause = (this.lastAttemptFailure != null) ? this.lastAttemptFailure : ex;
		String text = (this.lastAttemptServerError != null) ? this.lastAttemptServerError
				: cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
		return Redaction.redact(text);
	}

	private void connectInBackground() {
		Thread thread = new Thread(this::connectLoop, "nats-connect");
		thread.setDaemon(true);
		this.connectThread = thread;
		thread.start();
	}

	private void connectLoop() {
		int maxAttempts = this.options.getMaxReconnect();
		int attempts = 0;
		long lastWarning = System.nanoTime();
		while (this.running && this.connection == null) {
			try {
				sleepBeforeRetry();
				attempts++;
				Connection connected = attemptConnect();
				if (!this.running) {
					connected.close();
					return;
				}
				adopt(connected, true);
				return;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				String detail = describeAttemptFailure(ex);
				recordError(detail);
				if (maxAttempts >= 0 && attempts >= maxAttempts) {
					logger.error("Giving up connecting to NATS at " + this.servers + " after " + attempts
							+ " attempts (nats.reconnect.max-attempts): " + detail);
					this.state = NatsConnectionState.CLOSED;
					publish(new NatsConnectionEvent(this, Type.CLOSED, null, "gave up after " + attempts + " attempts"));
					return;
				}
				if (System.nanoTime() - lastWarning > TimeUnit.MINUTES.toNanos(1)) {
					lastWarning = System.nanoTime();
					logger.warn("Still not connected to NATS at " + this.servers + " after " + attempts + " attempts: "
							+ detail);
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Connection attempt " + attempts + " to NATS failed: " + detail);
				}
			}
		}
	}

	private void sleepBeforeRetry() throws InterruptedException {
		long wait = this.options.getReconnectWait().toMillis();
		long jitter = this.options.getReconnectJitter().toMillis();
		Thread.sleep(wait + ((jitter > 0) ? ThreadLocalRandom.current().nextLong(jitter) : 0));
	}

	private void adopt(Connection connected, boolean background) {
		List<Consumer<Connection>> callbacks;
		synchronized (this.connectionMonitor) {
			this.connection = connected;
			this.state = NatsConnectionState.CONNECTED;
			callbacks = new ArrayList<>(this.pendingCallbacks);
			this.pendingCallbacks.clear();
			// until the queued callbacks ran, later ones must queue behind them (reconcile before listeners)
			this.callbacksQueued = background;
		}
		warnIfOldServer(connected.getServerInfo());
		if (background) {
			this.eventExecutor.execute(() -> {
				callbacks.forEach((callback) -> runCallback(callback, connected));
				synchronized (this.connectionMonitor) {
					this.callbacksQueued = false;
				}
			});
		}
		else {
			callbacks.forEach((callback) -> callback.accept(connected));
		}
	}

	private void runCallback(Consumer<Connection> callback, Connection connected) {
		try {
			callback.accept(connected);
		}
		catch (RuntimeException ex) {
			logger.error("A task waiting for the NATS connection failed", ex);
		}
	}

	/**
	 * Runs the callback with the connection: at once (in the calling thread) when connected, otherwise on the
	 * manager's event thread once the first connection is established. Callbacks run in registration order.
	 * @param callback the work that needs the connection
	 */
	public void whenConnected(Consumer<Connection> callback) {
		Connection current;
		synchronized (this.connectionMonitor) {
			current = this.connection;
			if (current == null) {
				this.pendingCallbacks.add(callback);
				return;
			}
			if (this.callbacksQueued) {
				Connection queuedFor = current;
				this.eventExecutor.execute(() -> runCallback(callback, queuedFor));
				return;
			}
		}
		callback.accept(current);
	}

	void warnIfOldServer(ServerInfo info) {
		if (info == null || info.getVersion() == null || info.getVersion().isEmpty()) {
			return;
		}
		if (info.isOlderThanVersion(MINIMUM_SERVER_VERSION) && !this.warnedVersions.contains(info.getVersion())) {
			this.warnedVersions.add(info.getVersion());
			logger.warn("NATS server " + info.getServerName() + " runs version " + info.getVersion()
					+ ", older than " + MINIMUM_SERVER_VERSION + ". Not available on it: consumer create/update "
					+ "actions (a consumer create may silently update and vice versa), multiple filter subjects, "
					+ "stream compression, subject transforms, first sequence and metadata (the server drops them "
					+ "silently, reconciliation reports them as warnings). Upgrade the server to 2.10 or newer.");
		}
	}

	// --- called by NatsConnectionEvents ------------------------------------------------------------------------

	boolean isCurrent(Connection source) {
		Connection current = this.connection;
		return current != null && current == source;
	}

	void attemptFailed(Throwable failure) {
		this.lastAttemptFailure = failure;
	}

	void attemptServerError(String error) {
		this.lastAttemptServerError = error;
	}

	void stateChanged(NatsConnectionState newState) {
		if (this.state != NatsConnectionState.DRAINING || newState == NatsConnectionState.CLOSED) {
			this.state = newState;
		}
	}

	void recordError(String error) {
		this.lastError = error;
		this.lastErrorTime = Instant.now();
	}

	void publish(NatsConnectionEvent event) {
		synchronized (this.heldEvents) {
			if (this.holdingEvents) {
				this.heldEvents.add(event);
				return;
			}
		}
		ExecutorService executor = this.eventExecutor;
		if (this.eventPublisher == null || executor == null || executor.isShutdown()) {
			return;
		}
		try {
			executor.execute(() -> {
				try {
					this.eventPublisher.publishEvent(event);
				}
				catch (RuntimeException ex) {
					// a failing application listener must not break the connection's event flow
					logger.warn("A listener for " + event + " failed", ex);
				}
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// shutting down
		}
	}

	// --- accessors -----------------------------------------------------------------------------------------------

	/**
	 * The connection.
	 * @return the connection (possibly reconnecting at this moment; jnats buffers publishes meanwhile)
	 * @throws NatsNotConnectedException before the first connection was established, or after it closed
	 */
	public Connection getConnection() {
		Connection current = this.connection;
		if (current == null || this.state == NatsConnectionState.CLOSED) {
			throw new NatsNotConnectedException("Not connected to NATS at " + this.servers + " (state " + this.state
					+ ((this.lastError != null) ? ", last error: " + this.lastError : "") + ")");
		}
		return current;
	}

	/**
	 * The connection if one was ever established.
	 * @return the connection or {@code null}
	 */
	public Connection getConnectionIfAvailable() {
		return this.connection;
	}

	public NatsConnectionState getState() {
		return this.state;
	}

	/**
	 * The last error the client saw, without secrets.
	 * @return the error or {@code null}
	 */
	public String getLastError() {
		return this.lastError;
	}

	public Instant getLastErrorTime() {
		return this.lastErrorTime;
	}

	/**
	 * The configured server URLs with user-info masked.
	 * @return the servers
	 */
	public List<String> getServers() {
		return this.servers;
	}

	public Options getOptions() {
		return this.options;
	}

	/**
	 * Stops, if still running: a context whose refresh failed is destroyed without a lifecycle stop, and nothing
	 * may be left connected or consuming.
	 */
	@Override
	public void destroy() {
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				abandonAttemptAhead();
			}
		}
		stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Drains the connection: subscriptions stop, in-flight messages finish and pending publishes are flushed,
	 * within {@code drainTimeout}; then it closes.
	 */
	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			Thread thread = this.connectThread;
			if (thread != null) {
				thread.interrupt();
				joinQuietly(thread);
				this.connectThread = null;
			}
			Connection current;
			synchronized (this.connectionMonitor) {
				current = this.connection;
				// a later start() must connect anew, not hand out the closed connection
				this.connection = null;
				this.pendingCallbacks.clear();
				this.callbacksQueued = false;
			}
			if (current != null) {
				this.state = NatsConnectionState.DRAINING;
				drainAndClose(current);
			}
			this.state = NatsConnectionState.CLOSED;
			ExecutorService executor = this.eventExecutor;
			executor.shutdown();
			try {
				executor.awaitTermination(2, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void drainAndClose(Connection current) {
		try {
			if (current.getStatus() == Connection.Status.CONNECTED) {
				Boolean drained = current.drain(this.drainTimeout)
					.get(this.drainTimeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
				if (!Boolean.TRUE.equals(drained)) {
					logger.warn("NATS connection did not drain within " + this.drainTimeout + " (nats.drain-timeout)");
				}
			}
		}
		catch (TimeoutException ex) {
			logger.warn("NATS connection did not drain within " + this.drainTimeout + " (nats.drain-timeout)");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Draining the NATS connection failed: " + Redaction.redact(String.valueOf(ex.getMessage())));
		}
		finally {
			try {
				current.close();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static void joinQuietly(Thread thread) {
		try {
			thread.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
