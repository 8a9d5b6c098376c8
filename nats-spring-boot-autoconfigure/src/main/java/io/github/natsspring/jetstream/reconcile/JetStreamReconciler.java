package io.github.natsspring.jetstream.reconcile;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.ServerInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsConnectionEvent;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsLifecyclePhases;
import io.github.natsspring.jetstream.reconcile.ManagedResource.ConsumerResource;
import io.github.natsspring.jetstream.reconcile.ManagedResource.KeyValueResource;
import io.github.natsspring.jetstream.reconcile.ManagedResource.ObjectStoreResource;
import io.github.natsspring.jetstream.reconcile.ManagedResource.StreamResource;
import io.github.natsspring.jetstream.reconcile.ReconcileRun.Plan;

/**
 * Makes the declared JetStream topology real on the server, as {@code nats.jetstream.reconcile.mode} allows: at
 * startup once connected (synchronously when NATS is there, so a conflict fails startup before anything is
 * written), again after every reconnect (a memory stream is gone after a server restart), and for resources that
 * code declares later through {@link #ensureStream} and {@link #ensureConsumer}.
 * <p>
 * Each run plans everything first: it reads every resource, compares every declared setting with the server's
 * (after normalising server defaults and ignoring {@code _nats.*} metadata) and classifies each difference as
 * editable, immutable or needing a newer server. With {@code fail-on-conflict} any conflict stops the run before the
 * first write. It never deletes and never recreates anything.
 */
public class JetStreamReconciler implements SmartLifecycle, ApplicationEventPublisherAware,
		ApplicationListener<NatsConnectionEvent> {

	private static final Log logger = LogFactory.getLog(JetStreamReconciler.class);

	private static final int RECONNECT_ATTEMPTS = 5;

	private final NatsConnectionManager connectionManager;

	private final ReconcileMode mode;

	private final boolean failOnConflict;

	private final Duration requestTimeout;

	private final Object lock = new Object();

	/** Consumers declared in code, by "stream/name", merged with their configured declaration if any. */
	private final Map<String, CodeConsumer> codeConsumers = new LinkedHashMap<>();

	private volatile JetStreamTopology topology;

	private volatile ReconcileReport report;

	private ApplicationEventPublisher eventPublisher;

	private volatile boolean running;

	private volatile Thread startingThread;

	private volatile ScheduledExecutorService executor;

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
		this.connectionManager = connectionManager;
		this.topology = topology;
		this.mode = mode;
		this.failOnConflict = failOnConflict;
		this.requestTimeout = requestTimeout;
		this.report = ReconcileReport.empty(mode);
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	@Override
	public int getPhase() {
		return NatsLifecyclePhases.RECONCILE;
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
		boolean duringStartup = Thread.currentThread() == this.startingThread;
		try {
			reconcile(connection);
		}
		catch (JetStreamReconcileException ex) {
			// without fail-on-conflict only an unreachable JetStream gets here: start, and retry in the background
			if (duringStartup && this.failOnConflict) {
				throw ex;
			}
			logger.error(ex.getMessage());
			if (ex.getReport() == null) {
				scheduleRetry(1);
			}
		}
	}

	@Override
	public void onApplicationEvent(NatsConnectionEvent event) {
		ScheduledExecutorService current = this.executor;
		if (event.getType() == NatsConnectionEvent.Type.RECONNECTED && this.running && current != null
				&& this.mode != ReconcileMode.OFF && hasDeclarations()) {
			// off the connection's event thread: a reconciliation makes requests and may wait for JetStream
			current.execute(() -> reconcileAfterReconnect(1));
		}
	}

	private void reconcileAfterReconnect(int attempt) {
		Connection connection = this.connectionManager.getConnectionIfAvailable();
		if (!this.running || connection == null) {
			return;
		}
		try {
			reconcile(connection);
		}
		catch (JetStreamReconcileException ex) {
			logger.error(ex.getMessage());
			if (ex.getReport() == null) {
				scheduleRetry(attempt + 1);
			}
		}
	}

	private void scheduleRetry(int attempt) {
		ScheduledExecutorService current = this.executor;
		if (attempt > RECONNECT_ATTEMPTS || !this.running || current == null) {
			return;
		}
		current.schedule(() -> reconcileAfterReconnect(attempt), 1L << (attempt - 1), TimeUnit.SECONDS);
	}

	/**
	 * Reconciles every declared resource now.
	 * @param connection the connection to use
	 * @return what was done
	 * @throws JetStreamReconcileException when a resource is in conflict or failed and fail-on-conflict is set, or
	 * JetStream could not be reached
	 */
	public ReconcileReport reconcile(Connection connection) {
		synchronized (this.lock) {
			ReconcileRun run = newRun(connection);
			List<ManagedResource<?, ?, ?>> resources = new ArrayList<>();
			Set<String> covered = new LinkedHashSet<>();
			for (Declared<StreamDeclaration> stream : this.topology.getStreams()) {
				resources.add(new StreamResource(stream));
				for (Declared<ConsumerDeclaration> consumer : this.topology.getConsumers(stream)) {
					CodeConsumer fromCode = this.codeConsumers.get(stream.name() + "/" + consumer.name());
					resources.add(new ConsumerResource(stream.name(), (fromCode != null) ? fromCode.declared() : consumer));
					covered.add(stream.name() + "/" + consumer.name());
				}
			}
			this.codeConsumers.forEach((key, consumer) -> {
				if (!covered.contains(key)) {
					resources.add(new ConsumerResource(consumer.stream(), consumer.declared()));
				}
			});
			this.topology.getKeyValues().forEach((bucket) -> resources.add(new KeyValueResource(bucket)));
			this.topology.getObjectStores().forEach((bucket) -> resources.add(new ObjectStoreResource(bucket)));
			return executeAndRecord(run, resources, false);
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
			if (this.mode == ReconcileMode.OFF) {
				this.topology = extended;
				return ReconcileReport.empty(this.mode);
			}
			List<ManagedResource<?, ?, ?>> resources = new ArrayList<>();
			resources.add(new StreamResource(declared));
			extended.getConsumers(declared)
				.forEach((consumer) -> resources.add(new ConsumerResource(declared.name(), consumer)));
			ReconcileReport result = executeAndRecord(newRun(this.connectionManager.getConnection()), resources, true);
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
			if (this.mode == ReconcileMode.OFF) {
				this.codeConsumers.put(key, new CodeConsumer(stream, declared));
				return new ResourceReport(ResourceKind.CONSUMER, consumer.name(), stream, declared.origin().toString(),
						ResourceStatus.SKIPPED, List.of(), null);
			}
			ReconcileReport result = executeAndRecord(newRun(this.connectionManager.getConnection()),
					List.of(new ConsumerResource(stream, declared)), true);
			this.codeConsumers.put(key, new CodeConsumer(stream, declared));
			return result.resources().get(0);
		}
	}

	/**
	 * Runs and keeps the outcome (also of a run that stopped at a conflict, for health and the event).
	 * @param partial whether the run covered only some resources, to be merged into the current report
	 */
	private ReconcileReport executeAndRecord(ReconcileRun run, List<ManagedResource<?, ?, ?>> resources,
			boolean partial) {
		ReconcileReport result;
		try {
			result = execute(run, resources);
		}
		catch (JetStreamReconcileException ex) {
			if (ex.getReport() != null) {
				record(ex.getReport(), partial);
				publish(ex.getReport());
			}
			throw ex;
		}
		record(result, partial);
		if (result.hasProblems() || !result.withStatus(ResourceStatus.WARNING).isEmpty()) {
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

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private ReconcileReport execute(ReconcileRun run, List<ManagedResource<?, ?, ?>> resources) {
		String version = run.server().version();
		try {
			List<Plan<?, ?, ?>> plans = new ArrayList<>();
			for (ManagedResource<?, ?, ?> resource : resources) {
				plans.add(run.plan(resource));
			}
			List<ResourceReport> planned = plans.stream().map(run::describe).toList();
			if (this.failOnConflict && plans.stream().anyMatch(Plan::isProblem)) {
				ReconcileReport conflicts = new ReconcileReport(this.mode, version, Instant.now(), planned);
				throw new JetStreamReconcileException(problemMessage(conflicts, true), conflicts, true, null);
			}
			List<ResourceReport> outcome = new ArrayList<>();
			for (Plan plan : plans) {
				outcome.add((this.mode == ReconcileMode.VALIDATE) ? run.describe(plan) : run.apply(plan));
			}
			ReconcileReport result = new ReconcileReport(this.mode, version, Instant.now(), outcome);
			if (this.failOnConflict && result.hasProblems()) {
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
		if (!info.isJetStreamAvailable()) {
			throw new JetStreamReconcileException("JetStream is not enabled on nats-server " + info.getVersion() + " ("
					+ info.getServerName() + "), so the declared streams, consumers and buckets cannot be made real. "
					+ "Enable JetStream in the server configuration (jetstream {}) or start it with -js.", null, true,
					null);
		}
		try {
			JetStreamManagement jsm = connection
				.jetStreamManagement(JetStreamOptions.builder().requestTimeout(this.requestTimeout).build());
			Set<String> declaredStreams = new LinkedHashSet<>();
			this.topology.getStreams().forEach((stream) -> declaredStreams.add(stream.name()));
			return new ReconcileRun(jsm, new ConnectedServer(version), this.mode, declaredStreams,
					this.failOnConflict);
		}
		catch (IOException ex) {
			throw new JetStreamReconcileException("Could not use JetStream: " + ex.getMessage(), null, true, ex);
		}
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
		ScheduledExecutorService current = this.executor;
		this.executor = null;
		if (current != null) {
			current.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private record CodeConsumer(String stream, Declared<ConsumerDeclaration> declared) {
	}

}
