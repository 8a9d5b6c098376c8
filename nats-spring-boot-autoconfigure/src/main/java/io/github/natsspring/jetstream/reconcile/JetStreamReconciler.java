package io.github.natsspring.jetstream.reconcile;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ServerInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsConnectionEvent;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsLifecyclePhases;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.reconcile.ManagedResource.ConsumerResource;
import io.github.natsspring.jetstream.reconcile.ManagedResource.KeyValueResource;
import io.github.natsspring.jetstream.reconcile.ManagedResource.ObjectStoreResource;
import io.github.natsspring.jetstream.reconcile.ManagedResource.StreamResource;
import io.github.natsspring.jetstream.reconcile.ReconcileRun.Plan;

/**
 * Makes the declared JetStream topology real on the server, as {@code nats.jetstream.reconcile.mode} allows: at
 * startup once connected (synchronously when NATS is there, so a conflict fails startup before anything is
 * written), again after every reconnect (a memory stream is gone after a server restart), and for resources that
 * code declares later through {@link #ensureStream}, {@link #ensureConsumer} and {@link #reconcileStream}.
 * <p>
 * Each run plans everything first: it reads every resource, compares every declared setting with the server's
 * (after normalising server defaults and ignoring {@code _nats.*} metadata) and classifies each difference as
 * editable, immutable or needing a newer server. With {@code fail-on-conflict} any conflict stops the run at startup
 * before the first write; in the background (after a reconnect, or when NATS came after startup) a conflict holds back
 * changes to existing resources, but missing ones are still created. What failed in the background (the server
 * refused, or JetStream was not ready yet) is retried with a growing delay, at most every 30 seconds, for as long as
 * the application runs. It never deletes and never recreates anything.
 */
public class JetStreamReconciler implements InitializingBean, SmartLifecycle, ApplicationEventPublisherAware,
		ApplicationListener<NatsConnectionEvent> {

	private static final Log logger = LogFactory.getLog(JetStreamReconciler.class);

	/** The delay before the first retry of a reconciliation that left something undone; doubled for each next one. */
	private static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);

	/** How long a run waits by default for a JetStream that cannot answer yet (an election). */
	public static final Duration DEFAULT_LEADER_TIMEOUT = Duration.ofSeconds(30);

	/** The longest delay between retries. */
	private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

	/** Why a background run with fail-on-conflict changes no existing resource while something is in conflict. */
	private static final String HELD_BACK = "left as is: other declared resources are in conflict or failed, and "
			+ "fail-on-conflict holds back changes to existing resources; missing ones are still created";

	private final NatsConnectionManager connectionManager;

	private final ReconcileMode mode;

	private final boolean failOnConflict;

	private final Duration requestTimeout;

	private final JetStreamApi api;

	private volatile Duration leaderTimeout = DEFAULT_LEADER_TIMEOUT;

	private final Object lock = new Object();

	/** Consumers declared in code, by "stream/name", merged with their configured declaration if any. */
	private final Map<String, CodeConsumer> codeConsumers = new LinkedHashMap<>();

	private volatile JetStreamTopology topology;

	private volatile ReconcileReport report;

	private ApplicationEventPublisher eventPublisher;

	private volatile boolean running;

	private volatile Thread startingThread;

	/** The startup run's plans, made ahead of the start; taken (and cleared) by the first reconciliation. */
	private volatile CompletableFuture<PlansAhead> plansAhead;

	private volatile ScheduledExecutorService executor;

	private final Object retryLock = new Object();

	/** The next retry, if one is scheduled. Guarded by {@link #retryLock}. */
	private ScheduledFuture<?> pendingRetry;

	/** Background attempts in a row that left something undone. Guarded by {@link #retryLock}. */
	private int failedAttempts;

	/** What the latest attempt left undone, to log the same problem only once. Guarded by {@link #retryLock}. */
	private String lastProblem;

	/**
	 * Creates a reconciler.
	 * @param connectionManager supplies the connection
	 * @param topology the declared resources, already validated
	 * @param mode what may be written
	 * @param failOnConflict whether a conflict stops a run before anything is written (and fails startup)
	 * @param requestTimeout the timeout of each JetStream API request
	 */
	public JetStreamReconciler(NatsConnectionManager connectionManager, JetStreamTopology topology,
			ReconcileMode mode, boolean failOnConflict, Duration requestTimeout) {
		this(connectionManager, topology, mode, failOnConflict, requestTimeout, JetStreamApi.connected());
	}

	/**
	 * Creates a reconciler that manages the topology in another JetStream than the connected account's.
	 * @param connectionManager supplies the connection
	 * @param topology the declared resources, already validated
	 * @param mode what may be written
	 * @param failOnConflict whether a conflict stops a run before anything is written (and fails startup)
	 * @param requestTimeout the timeout of each JetStream API request
	 * @param api the JetStream the declarations live in unless they name their own domain
	 * ({@code nats.jetstream.domain})
	 */
	public JetStreamReconciler(NatsConnectionManager connectionManager, JetStreamTopology topology,
			ReconcileMode mode, boolean failOnConflict, Duration requestTimeout, JetStreamApi api) {
		this.api = api;
		this.connectionManager = connectionManager;
		this.topology = topology;
		this.mode = mode;
		this.failOnConflict = failOnConflict;
		this.requestTimeout = requestTimeout;
		this.report = ReconcileReport.empty(mode);
		for (Declared<StreamDeclaration> stream : topology.getStreams()) {
			topology.getConsumers(stream).forEach(JetStreamReconciler::warnAbout);
		}
	}

	/**
	 * Logs what the server accepts from a consumer declaration but ignores (ack-wait replaced by the first backoff
	 * step).
	 */
	private static void warnAbout(Declared<ConsumerDeclaration> consumer) {
		DeclarationValidator.warnings(consumer).forEach(logger::warn);
	}

	/**
	 * Logs the warnings about a consumer declared in code that were not logged for its earlier declaration.
	 */
	private static void warnAboutNew(Declared<ConsumerDeclaration> consumer, Declared<ConsumerDeclaration> earlier) {
		List<String> before = (earlier != null) ? DeclarationValidator.warnings(earlier) : List.of();
		DeclarationValidator.warnings(consumer)
			.stream()
			.filter((warning) -> !before.contains(warning))
			.forEach(logger::warn);
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	@Override
	public int getPhase() {
		return NatsLifecyclePhases.RECONCILE;
	}

	/**
	 * Plans the startup reconciliation as soon as the connection manager's attempt ahead connects, while the rest
	 * of the application is built (see {@link PlansAhead}); the start then applies the plans.
	 */
	@Override
	public void afterPropertiesSet() {
		CompletionStage<Connection> connectionAhead = this.connectionManager.connectionAhead();
		if (connectionAhead == null || this.mode == ReconcileMode.OFF || this.topology.isEmpty()) {
			return;
		}
		synchronized (this.lock) {
			this.plansAhead = PlansAhead.begin(connectionAhead, this.topology, this::newRun, allResources());
		}
	}

	/**
	 * The plans made ahead for this connection and the current declarations, else {@code null}; waits for the
	 * planning to finish (it has the same time bounds as a run planned here).
	 */
	private PlansAhead takePlansAhead(Connection connection) {
		CompletableFuture<PlansAhead> ahead = this.plansAhead;
		this.plansAhead = null;
		if (ahead == null) {
			return null;
		}
		PlansAhead plans = ahead.join();
		synchronized (this.lock) {
			return (plans != null && plans.isFor(connection, this.topology) && this.codeConsumers.isEmpty()) ? plans
					: null;
		}
	}

	/**
	 * The startup reconciliation with the plans made ahead, as {@link #reconcile(Connection)} with its own.
	 */
	private ReconcileReport reconcile(PlansAhead ahead) {
		synchronized (this.lock) {
			return executeAndRecord(ahead.run(), ahead.resources(), ahead, false, true, true);
		}
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "nats-jetstream-reconcile");
			thread.setDaemon(true);
			return thread;
		});
		if (this.mode == ReconcileMode.OFF) {
			logger.debug("JetStream reconciliation is off (nats.jetstream.reconcile.mode=off)");
			return;
		}
		if (this.topology.isEmpty()) {
			return;
		}
		this.startingThread = Thread.currentThread();
		try {
			this.connectionManager.whenConnected(this::reconcileOnConnect);
		}
		finally {
			this.startingThread = null;
		}
	}

	private void reconcileOnConnect(Connection connection) {
		PlansAhead ahead = takePlansAhead(connection);
		if (Thread.currentThread() != this.startingThread) {
			// NATS came after startup: the application runs already
			reconcileInBackground(connection);
			return;
		}
		ReconcileReport result;
		try {
			result = (ahead != null) ? reconcile(ahead) : reconcile(connection);
		}
		catch (JetStreamReconcileException ex) {
			if (this.failOnConflict) {
				throw ex;
			}
			// without fail-on-conflict only an unreachable JetStream gets here: start, and retry in the background
			retryLater(ex.getMessage(), ex.getMessage());
			return;
		}
		String undone = undone(result);
		if (undone != null) {
			// the report is logged already
			retryLater(undone, null);
		}
	}

	@Override
	public void onApplicationEvent(NatsConnectionEvent event) {
		ScheduledExecutorService current = this.executor;
		if (event.getType() == NatsConnectionEvent.Type.RECONNECTED && this.running && current != null
				&& this.mode != ReconcileMode.OFF && hasDeclarations()) {
			// off the connection's event thread: a reconciliation makes requests and may wait for JetStream
			try {
				current.execute(() -> {
					synchronized (this.retryLock) {
						cancelRetry();
						// a new connection: retries start again at the shortest delay
						this.failedAttempts = 0;
					}
					retry();
				});
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	private void retry() {
		Connection connection = this.connectionManager.getConnectionIfAvailable();
		if (this.running && connection != null) {
			reconcileInBackground(connection);
		}
	}

	/**
	 * Reconciles while the application runs: after a reconnect, when NATS came after startup, and as a retry. A
	 * conflict does not hold back creating what is missing (see {@link #execute}), and whatever failed or could not
	 * be reached is retried with a growing delay, up to {@link #MAX_RETRY_DELAY}, until it succeeds or the
	 * reconciler stops. The first failure is logged as a warning, the same failure again only at debug level.
	 */
	private void reconcileInBackground(Connection connection) {
		if (!this.running) {
			return;
		}
		ReconcileReport result = null;
		String undone;
		try {
			synchronized (this.lock) {
				result = executeAndRecord(newRun(connection), allResources(), false, false, false);
			}
			undone = undone(result);
		}
		catch (JetStreamReconcileException ex) {
			undone = ex.getMessage();
		}
		catch (RuntimeException ex) {
			undone = "Could not reconcile the JetStream topology: " + ex;
		}
		if (undone != null) {
			retryLater(undone, (result != null) ? result.toString() : undone);
			return;
		}
		int attempts;
		synchronized (this.retryLock) {
			attempts = this.failedAttempts;
			this.failedAttempts = 0;
			this.lastProblem = null;
		}
		if (result.hasProblems() || !result.withStatus(ResourceStatus.WARNING).isEmpty()) {
			logger.warn(result);
		}
		else if (attempts > 0) {
			logger.info(result + "\n(after " + (attempts + 1) + " attempts)");
		}
		else if (logger.isInfoEnabled()) {
			logger.info(result);
		}
	}

	/**
	 * Schedules another reconciliation because something was left undone.
	 * @param problem what was left undone; the same problem again is logged at debug level only
	 * @param message what to log, {@code null} when it was logged already
	 */
	private void retryLater(String problem, String message) {
		synchronized (this.retryLock) {
			ScheduledExecutorService current = this.executor;
			if (!this.running || current == null) {
				return;
			}
			this.failedAttempts++;
			long delay = Math.min(MAX_RETRY_DELAY.toMillis(),
					FIRST_RETRY_DELAY.toMillis() << Math.min(this.failedAttempts - 1, 20));
			String retrying = "Retrying in " + Values.formatDuration(Duration.ofMillis(delay)) + " (attempt "
					+ (this.failedAttempts + 1) + "; retries continue at most every "
					+ Values.formatDuration(MAX_RETRY_DELAY) + " while the application runs).";
			boolean repeated = problem.equals(this.lastProblem);
			this.lastProblem = problem;
			if (message == null) {
				logger.info(retrying);
			}
			else if (!repeated) {
				logger.warn(message + "\n" + retrying);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug(message + "\n" + retrying);
			}
			cancelRetry();
			try {
				this.pendingRetry = current.schedule(this::retry, delay, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	private void cancelRetry() {
		ScheduledFuture<?> pending = this.pendingRetry;
		this.pendingRetry = null;
		if (pending != null) {
			pending.cancel(false);
		}
	}

	/**
	 * What a reconciliation left undone that a retry may do: the resources that failed (the server refused or could
	 * not answer, for example "JetStream temporarily unavailable" while it recovers its store after a restart).
	 * Conflicts are not retried: they need a change of the declaration or of the server.
	 * @return the failed resources, {@code null} when none failed
	 */
	private static String undone(ReconcileReport result) {
		List<ResourceReport> failed = result.withStatus(ResourceStatus.FAILED);
		if (failed.isEmpty()) {
			return null;
		}
		StringBuilder text = new StringBuilder();
		failed.forEach((resource) -> text.append(resource).append('\n'));
		return text.toString();
	}

	/**
	 * Reconciles every declared resource now. A conflict (or a failure) with fail-on-conflict stops the run before
	 * anything is written, as at startup.
	 * @param connection the connection to use
	 * @return what was done
	 * @throws JetStreamReconcileException when a resource is in conflict or failed and fail-on-conflict is set, or
	 * JetStream could not be reached
	 */
	public ReconcileReport reconcile(Connection connection) {
		synchronized (this.lock) {
			return executeAndRecord(newRun(connection), allResources(), false, true, true);
		}
	}

	/**
	 * Reconciles one declared stream again, with its consumers (configured, declared in beans, and ensured in code
	 * through {@link #ensureConsumer}), under the same rules as {@link #ensureStream}: for example when a listener
	 * finds its stream deleted on the server. Needs the connection.
	 * @param stream the stream's name
	 * @return what was done to the stream and its consumers; without resources when the stream is not declared
	 * (configuration, bean or {@link #ensureStream}), so that there is nothing to create, or reconciliation is off
	 * @throws JetStreamReconcileException on a conflict or failure when fail-on-conflict is set, or when JetStream
	 * cannot be reached
	 */
	public ReconcileReport reconcileStream(String stream) {
		synchronized (this.lock) {
			Optional<Declared<StreamDeclaration>> declared = this.topology.getStream(stream);
			if (declared.isEmpty() || this.mode == ReconcileMode.OFF) {
				return new ReconcileReport(this.mode, this.report.serverVersion(), Instant.now(), List.of());
			}
			List<ManagedResource<?, ?, ?>> resources = new ArrayList<>();
			Set<String> covered = new LinkedHashSet<>();
			addStream(declared.get(), resources, covered);
			this.codeConsumers.forEach((key, consumer) -> {
				if (consumer.stream().equals(stream) && !covered.contains(key)) {
					resources.add(consumer.resource(streamDomain(consumer.stream())));
				}
			});
			return executeAndRecord(newRun(this.connectionManager.getConnection()), resources, true, true, true);
		}
	}

	private List<ManagedResource<?, ?, ?>> allResources() {
		List<ManagedResource<?, ?, ?>> resources = new ArrayList<>();
		Set<String> covered = new LinkedHashSet<>();
		for (Declared<StreamDeclaration> stream : this.topology.getStreams()) {
			addStream(stream, resources, covered);
		}
		this.codeConsumers.forEach((key, consumer) -> {
			if (!covered.contains(key)) {
				resources.add(consumer.resource(streamDomain(consumer.stream())));
			}
		});
		this.topology.getKeyValues().forEach((bucket) -> resources.add(new KeyValueResource(bucket)));
		this.topology.getObjectStores().forEach((bucket) -> resources.add(new ObjectStoreResource(bucket)));
		return resources;
	}

	/**
	 * Adds a stream and its declared consumers, each merged with what code ensured for it.
	 */
	private void addStream(Declared<StreamDeclaration> stream, List<ManagedResource<?, ?, ?>> resources,
			Set<String> covered) {
		resources.add(new StreamResource(stream));
		for (Declared<ConsumerDeclaration> consumer : this.topology.getConsumers(stream)) {
			CodeConsumer fromCode = this.codeConsumers.get(stream.name() + "/" + consumer.name());
			resources.add((fromCode != null) ? fromCode.resource(stream.declaration().domain())
					: new ConsumerResource(stream.name(), stream.declaration().domain(), consumer));
			covered.add(stream.name() + "/" + consumer.name());
		}
	}

	/** The domain a declared stream names, {@code null} for the application's (and for undeclared streams). */
	private String streamDomain(String stream) {
		return this.topology.getStream(stream).map((declared) -> declared.declaration().domain()).orElse(null);
	}

	/**
	 * Makes sure a key-value bucket declared in code exists as declared (for example the bucket a listener keeps
	 * its de-duplication entries in), with the same plan and report rules as configured resources. It joins the
	 * topology: it is reported, shown in health and reconciled again after a reconnect.
	 * @param bucket the bucket
	 * @return the report for this bucket
	 * @throws JetStreamReconcileException on a conflict with {@code fail-on-conflict}, or when JetStream cannot be
	 * reached
	 */
	public ReconcileReport ensureKeyValue(KeyValueDeclaration bucket) {
		synchronized (this.lock) {
			JetStreamTopology extended = this.topology.withKeyValue(bucket,
					DeclarationOrigin.code("key-value bucket '" + bucket.name() + "' declared in code"));
			if (this.mode == ReconcileMode.OFF) {
				this.topology = extended;
				return ReconcileReport.empty(this.mode);
			}
			Declared<KeyValueDeclaration> declared = extended.getKeyValue(bucket.name()).orElseThrow();
			ReconcileReport result = executeAndRecord(newRun(this.connectionManager.getConnection()),
					List.of(new KeyValueResource(declared)), true, true, true);
			this.topology = extended;
			return result;
		}
	}

	/**
	 * Ensures a stream declared in code exists as declared (for example a dead-letter stream), with its consumers,
	 * under the same rules as configured streams. The declaration joins the topology, so it is reconciled again after
	 * a reconnect. Needs the connection.
	 * @param stream the stream, with its name set; merged with a configured stream of the same name
	 * @return what was done to the stream and its consumers
	 * @throws InvalidDeclarationException if the declaration is invalid or contradicts another one
	 * @throws JetStreamReconcileException on a conflict or failure when fail-on-conflict is set
	 */
	public ReconcileReport ensureStream(StreamDeclaration stream) {
		synchronized (this.lock) {
			JetStreamTopology extended = this.topology.withStream(stream,
					DeclarationOrigin.code("stream '" + stream.name() + "' declared in code"));
			Declared<StreamDeclaration> declared = extended.getStream(stream.name()).orElseThrow();
			extended.getConsumers(declared)
				.forEach((consumer) -> warnAboutNew(consumer,
						this.topology.getConsumer(declared.name(), consumer.name()).orElse(null)));
			if (this.mode == ReconcileMode.OFF) {
				this.topology = extended;
				return ReconcileReport.empty(this.mode);
			}
			List<ManagedResource<?, ?, ?>> resources = new ArrayList<>();
			resources.add(new StreamResource(declared));
			extended.getConsumers(declared)
				.forEach((consumer) -> resources
					.add(new ConsumerResource(declared.name(), declared.declaration().domain(), consumer)));
			ReconcileReport result = executeAndRecord(newRun(this.connectionManager.getConnection()), resources, true,
					true, true);
			// remembered only once made real, so that a refused declaration does not haunt every reconnect
			this.topology = extended;
			return result;
		}
	}

	/**
	 * Ensures a durable consumer declared in code exists as declared, under the same rules as configured consumers.
	 * A consumer also configured under {@code nats.jetstream.streams.<stream>.consumers} is merged with it (the same
	 * setting with different values is an error). The consumer is reconciled again after a reconnect. Needs the
	 * connection.
	 * @param stream the stream
	 * @param consumer the consumer, with its durable name set
	 * @return what was done
	 * @throws InvalidDeclarationException if the declaration is invalid or contradicts another one
	 * @throws JetStreamReconcileException on a conflict or failure when fail-on-conflict is set
	 */
	public ResourceReport ensureConsumer(String stream, ConsumerDeclaration consumer) {
		return ensureConsumer(stream, consumer, Map.of());
	}

	/**
	 * Ensures a durable consumer declared in code, as {@link #ensureConsumer(String, ConsumerDeclaration)}, and says
	 * why some of its settings have the declared values: when one of them changes a value found on the server (one
	 * an operator set, for example), the report and the log say why, as in
	 * {@code max-deliver: declared -1, actual 5 (changed: <why>)}. The reasons are kept for the reconciliations
	 * after a reconnect.
	 * @param stream the stream
	 * @param consumer the consumer, with its durable name set
	 * @param reasons why the code declares a setting, by property name as in configuration (for example
	 * {@code max-deliver})
	 * @return what was done
	 * @throws IllegalArgumentException if a reason names no consumer setting
	 * @throws InvalidDeclarationException if the declaration is invalid or contradicts another one
	 * @throws JetStreamReconcileException on a conflict or failure when fail-on-conflict is set
	 */
	public ResourceReport ensureConsumer(String stream, ConsumerDeclaration consumer, Map<String, String> reasons) {
		for (String property : reasons.keySet()) {
			if (ConsumerFields.ALL.stream().noneMatch((field) -> field.property().equals(property))) {
				throw new IllegalArgumentException("'" + property + "' is not a consumer setting; reasons are given "
						+ "by property name, for example max-deliver");
			}
		}
		synchronized (this.lock) {
			if (consumer.name() == null) {
				throw new InvalidDeclarationException("consumer of stream '" + stream + "' declared in code",
						"the consumer has no durable name", "Give it a name with ConsumerDeclaration.builder(name).");
			}
			String key = stream + "/" + consumer.name();
			DeclarationOrigin origin = DeclarationOrigin
				.code("consumer '" + consumer.name() + "' of stream '" + stream + "' declared in code");
			Declared<ConsumerDeclaration> declared = new Declared<>(consumer.name(), consumer, origin);
			Optional<Declared<ConsumerDeclaration>> configured = this.topology.getConsumer(stream, consumer.name());
			CodeConsumer earlier = this.codeConsumers.get(key);
			Declared<ConsumerDeclaration> base = (earlier != null) ? earlier.declared() : configured.orElse(null);
			if (base != null) {
				declared = new Declared<>(consumer.name(),
						DeclarationRecords.merge(base.declaration(), consumer, base.origin(), origin), base.origin());
			}
			DeclarationValidator.validateConsumer(declared,
					this.topology.getStream(stream).map(Declared::declaration).orElse(null));
			// once, not at every call of a listener that ensures its consumer again
			warnAboutNew(declared, base);
			Map<String, String> allReasons = new LinkedHashMap<>((earlier != null) ? earlier.reasons() : Map.of());
			allReasons.putAll(reasons);
			CodeConsumer ensured = new CodeConsumer(stream, declared, Map.copyOf(allReasons));
			if (this.mode == ReconcileMode.OFF) {
				this.codeConsumers.put(key, ensured);
				return new ResourceReport(ResourceKind.CONSUMER, consumer.name(), stream, declared.origin().toString(),
						ResourceStatus.SKIPPED, List.of(), null);
			}
			ReconcileReport result = executeAndRecord(newRun(this.connectionManager.getConnection()),
					List.of(ensured.resource(streamDomain(stream))), true, true, true);
			this.codeConsumers.put(key, ensured);
			return result.resources().get(0);
		}
	}

	/**
	 * Runs and keeps the outcome (also of a run that stopped at a conflict, for health and the event).
	 * @param partial whether the run covered only some resources, to be merged into the current report
	 * @param strict whether fail-on-conflict stops the run at a conflict (startup and explicit calls) rather than
	 * holding back only changes to existing resources (reconciliation in the background)
	 * @param log whether to log the outcome (background runs log it themselves)
	 */
	private ReconcileReport executeAndRecord(ReconcileRun run, List<ManagedResource<?, ?, ?>> resources,
			boolean partial, boolean strict, boolean log) {
		return executeAndRecord(run, resources, null, partial, strict, log);
	}

	private ReconcileReport executeAndRecord(ReconcileRun run, List<ManagedResource<?, ?, ?>> resources,
			PlansAhead ahead, boolean partial, boolean strict, boolean log) {
		ReconcileReport result;
		try {
			result = execute(run, resources, ahead, strict);
		}
		catch (JetStreamReconcileException ex) {
			if (ex.getReport() != null) {
				record(ex.getReport(), partial);
				publish(ex.getReport());
			}
			throw ex;
		}
		record(result, partial);
		if (!log) {
			// logged by the caller
		}
		else if (result.hasProblems() || !result.withStatus(ResourceStatus.WARNING).isEmpty()) {
			logger.warn(result);
		}
		else if (logger.isInfoEnabled()) {
			logger.info(result);
		}
		publish(result);
		return result;
	}

	private void record(ReconcileReport result, boolean partial) {
		this.report = partial ? this.report.merge(result.resources(), result.serverVersion()) : result;
	}

	/**
	 * Plans every resource, then applies the plans as the mode allows. With fail-on-conflict a conflict (or a
	 * resource that could not be read) found while planning stops a strict run before the first write. A run in the
	 * background instead still creates what is missing — a memory stream gone with a server restart must come back
	 * while the application runs, whatever else drifted — and leaves every existing resource as it is.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private ReconcileReport execute(ReconcileRun run, List<ManagedResource<?, ?, ?>> resources, PlansAhead ahead,
			boolean strict) {
		String version = run.server().version();
		try {
			List<Plan<?, ?, ?>> plans = (ahead != null) ? ahead.plans() : run.planAll(resources);
			boolean problems = plans.stream().anyMatch(Plan::isProblem);
			if (this.failOnConflict && problems && strict) {
				List<ResourceReport> planned = plans.stream().map(run::describe).toList();
				ReconcileReport conflicts = new ReconcileReport(this.mode, version, Instant.now(), planned);
				throw new JetStreamReconcileException(problemMessage(conflicts, true), conflicts, true, null);
			}
			boolean holdChanges = this.failOnConflict && problems;
			List<ResourceReport> outcome = new ArrayList<>();
			for (Plan plan : plans) {
				if (this.mode == ReconcileMode.VALIDATE) {
					outcome.add(run.describe(plan));
				}
				else if (holdChanges && plan.isProblem()) {
					outcome.add(run.describeHeld(plan, HELD_BACK));
				}
				else if (holdChanges) {
					outcome.add(run.createIfMissing(plan, HELD_BACK));
				}
				else {
					outcome.add(run.apply(plan));
				}
			}
			ReconcileReport result = new ReconcileReport(this.mode, version, Instant.now(), outcome);
			if (this.failOnConflict && result.hasProblems() && strict) {
				throw new JetStreamReconcileException(problemMessage(result, false), result, false, null);
			}
			return result;
		}
		catch (IOException ex) {
			throw new JetStreamReconcileException("Could not reconcile the JetStream topology: nats-server " + version
					+ " did not answer a JetStream request (" + ex.getMessage() + ")", null, false, ex);
		}
	}

	private ReconcileRun newRun(Connection connection) {
		ServerInfo info = connection.getServerInfo();
		String version = info.getVersion();
		// a leaf node without JetStream of its own still reaches the hub's through its domain
		if (!info.isJetStreamAvailable() && this.api.isConnected()) {
			throw new JetStreamReconcileException("JetStream is not enabled on nats-server " + info.getVersion() + " ("
					+ info.getServerName() + "), so the declared streams, consumers and buckets cannot be made real. "
					+ "Enable JetStream in the server configuration (jetstream {}) or start it with -js.", null, true,
					null);
		}
		Map<JetStreamApi, JetStreamManagement> managements = new HashMap<>();
		JetStreamApi fallback = this.api;
		Function<String, JetStreamManagement> management = (domain) -> managements
			.computeIfAbsent(fallback.forDomain(domain), (api) -> {
				try {
					return connection.jetStreamManagement(api.options(this.requestTimeout));
				}
				catch (IOException ex) {
					throw new JetStreamReconcileException("Could not use " + api + ": " + ex.getMessage(), null, true,
							ex);
				}
			});
		management.apply(null);
		Set<String> declaredStreams = new LinkedHashSet<>();
		this.topology.getStreams().forEach((stream) -> declaredStreams.add(stream.name()));
		return new ReconcileRun(management, new ConnectedServer(version), this.mode, declaredStreams,
				this.failOnConflict, this.leaderTimeout);
	}

	/**
	 * Sets how long one reconciliation waits, in all, for a JetStream that cannot answer yet: requests that time out
	 * or are answered "temporarily unavailable" while a cluster elects a leader or a node catches up. Once it has
	 * passed, what JetStream answered last counts as a failure. Zero does not wait.
	 * @param leaderTimeout the bound
	 */
	public void setLeaderTimeout(Duration leaderTimeout) {
		this.leaderTimeout = (leaderTimeout != null) ? leaderTimeout : Duration.ZERO;
	}

	/**
	 * The JetStream the declarations live in unless they name their own domain.
	 * @return the API
	 */
	public JetStreamApi getJetStreamApi() {
		return this.api;
	}

	private String problemMessage(ReconcileReport problems, boolean nothingWritten) {
		StringBuilder message = new StringBuilder();
		message.append(nothingWritten
				? "The declared JetStream topology conflicts with nats-server " + problems.serverVersion()
						+ "; nothing was written:"
				: "The declared JetStream topology could not be made real on nats-server " + problems.serverVersion()
						+ ":");
		for (ResourceReport resource : problems.resources()) {
			if (!resource.status().isProblem()) {
				continue;
			}
			message.append("\n  ")
				.append(resource.status().name().toLowerCase())
				.append(' ')
				.append(resource.describe())
				.append(" (")
				.append(resource.origin())
				.append(')');
			if (resource.message() != null) {
				message.append(": ").append(resource.message());
			}
			for (Difference difference : resource.conflicts()) {
				message.append("\n    ").append(difference);
			}
		}
		return message.toString();
	}

	private void publish(ReconcileReport result) {
		if (this.eventPublisher != null) {
			this.eventPublisher.publishEvent(new JetStreamReconciledEvent(this, result));
		}
	}

	private boolean hasDeclarations() {
		synchronized (this.lock) {
			return !this.topology.isEmpty() || !this.codeConsumers.isEmpty();
		}
	}

	/**
	 * Compares every declared resource with the server now, writing nothing: the planner's reads and comparisons,
	 * and for each resource what a reconciliation in the configured mode would do. Unlike {@link #getReport()},
	 * which is as of the latest reconciliation, this sees changes made on the server since (for example with the
	 * {@code nats} CLI).
	 * @return the inspection, or {@code null} when NATS is not connected
	 * @throws JetStreamReconcileException when JetStream is not enabled or did not answer
	 */
	public TopologyInspection inspect() {
		Connection connection = this.connectionManager.getConnectionIfAvailable();
		if (connection == null) {
			return null;
		}
		ReconcileRun run;
		List<ManagedResource<?, ?, ?>> resources;
		synchronized (this.lock) {
			run = newRun(connection);
			resources = allResources();
		}
		// outside the lock: a read must not hold back a reconciliation, nor wait for one
		try {
			return new TopologyInspector(this.mode, this.failOnConflict).inspect(run, resources);
		}
		catch (IOException ex) {
			throw new JetStreamReconcileException("Could not read the JetStream topology: nats-server "
					+ run.server().version() + " did not answer a JetStream request (" + ex.getMessage() + ")", null,
					true, ex);
		}
	}

	/**
	 * Whether a failed reconciliation stops before anything is written ({@code fail-on-conflict}).
	 * @return {@code true} when conflicts hold back every write
	 */
	public boolean isFailOnConflict() {
		return this.failOnConflict;
	}

	/**
	 * The outcome of the latest reconciliation, including resources ensured from code since.
	 * @return the report; empty before the first reconciliation
	 */
	public ReconcileReport getReport() {
		return this.report;
	}

	/**
	 * The declared resources, including streams ensured from code.
	 * @return the topology
	 */
	public JetStreamTopology getTopology() {
		return this.topology;
	}

	public ReconcileMode getMode() {
		return this.mode;
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService current;
		synchronized (this.retryLock) {
			cancelRetry();
			current = this.executor;
			this.executor = null;
		}
		if (current != null) {
			current.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * A consumer ensured in code.
	 *
	 * @param stream the stream
	 * @param declared the declaration, merged with the configured one
	 * @param reasons why the code declares some settings, by property name
	 */
	private record CodeConsumer(String stream, Declared<ConsumerDeclaration> declared, Map<String, String> reasons) {

		/**
		 * @param streamDomain the domain its stream's declaration names, {@code null} for the application's
		 */
		ConsumerResource resource(String streamDomain) {
			return new ConsumerResource(this.stream, streamDomain, this.declared, this.reasons);
		}

	}

}
