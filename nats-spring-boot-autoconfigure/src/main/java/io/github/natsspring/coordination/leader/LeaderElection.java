package io.github.natsspring.coordination.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsLifecyclePhases;
import io.github.natsspring.coordination.Lease;
import io.github.natsspring.coordination.Leases;

/**
 * Elects one leader per role among the application instances: each role ({@code nats.coordination.leader.<role>},
 * or named by {@link NatsLeaderOnly}) is a lease {@code leader.<role>} in the coordination bucket, and the instance
 * that holds it leads. The leader renews it; when it stops or dies, another instance takes over within the
 * lease's TTL (at once when it stopped cleanly and released the role).
 * <p>
 * Grants and revocations are published as {@link NatsLeaderGrantedEvent} and {@link NatsLeaderRevokedEvent} (and as
 * Spring Integration's {@code OnGrantedEvent} and {@code OnRevokedEvent} where it is present), from one thread of
 * their own, so a slow event listener never delays a renewal. A leader that yields or stops announces the
 * revocation, and waits for its listeners (at most 10 seconds), before it releases the role; a leadership whose
 * renewals fail for two thirds of its TTL is revoked here a third of the TTL before any other instance can be
 * granted it.
 */
public class LeaderElection implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(LeaderElection.class);

	/** The namespace of role keys in the coordination bucket. */
	public static final String NAMESPACE = "leader";

	private final Leases leases;

	private final NatsConnectionManager connectionManager;

	private final Duration retryInterval;

	private final LeadershipEvents events;

	/** How long a yield or stop waits for the listeners of the revocation before it releases the role. */
	private static final Duration EVENT_WAIT = Duration.ofSeconds(10);

	private final Map<String, LeaderCandidate> candidates = new LinkedHashMap<>();

	private Supplier<Set<String>> moreRoles = Set::of;

	private Set<String> excludedRoles = Set.of();

	private volatile ExecutorService eventExecutor;

	private volatile boolean running;

	private volatile Thread startingThread;

	private volatile Thread eventThread;

	/**
	 * Creates an election; nothing is sent before it starts.
	 * @param leases the instance's leases (their namespace is replaced by {@code leader})
	 * @param connectionManager the connection
	 * @param roles the roles this instance competes for, with their lease TTL ({@code null} for the default)
	 * @param retryInterval how often a candidate that does not lead tries again
	 * @param events publishes grants and revocations
	 */
	public LeaderElection(Leases leases, NatsConnectionManager connectionManager, Map<String, Duration> roles,
			Duration retryInterval, LeadershipEvents events) {
		this.leases = leases.namespace(NAMESPACE);
		this.connectionManager = connectionManager;
		this.retryInterval = retryInterval;
		this.events = events;
		roles.forEach(this::addRole);
	}

	/**
	 * Roles to compete for too, asked for at start, with the default TTL: those named by {@link NatsLeaderOnly}.
	 * @param roles supplies the roles
	 * @param excluded roles this instance does not compete for, even when named
	 */
	public void setMoreRoles(Supplier<Set<String>> roles, Set<String> excluded) {
		this.moreRoles = roles;
		this.excludedRoles = Set.copyOf(excluded);
	}

	/**
	 * Adds a role to compete for; before the election starts (roles named by annotations are added so).
	 * @param role the role: letters, digits, '-' and '_'
	 * @param ttl the lease TTL, {@code null} for the default
	 */
	public synchronized void addRole(String role, Duration ttl) {
		if (!isToken(role)) {
			throw new IllegalArgumentException("A leader role may hold only letters, digits, '-' and '_': '" + role
					+ "'");
		}
		if (this.candidates.containsKey(role)) {
			return;
		}
		this.candidates.put(role, new LeaderCandidate(role, ttl, this.leases, this.retryInterval, new Listener()));
		if (this.running && this.connectionManager.getConnectionIfAvailable() != null) {
			this.candidates.get(role).start();
		}
	}

	/**
	 * Whether this instance leads a role now.
	 * @param role the role
	 * @return {@code true} while it holds the role's lease
	 */
	public boolean isLeader(String role) {
		LeaderCandidate candidate = candidate(role);
		return candidate != null && candidate.isLeader();
	}

	/**
	 * Who leads a role, as this instance last saw it.
	 * @param role the role
	 * @return the leadership, empty for a role this instance does not compete for
	 */
	public Optional<Leadership> getLeadership(String role) {
		LeaderCandidate candidate = candidate(role);
		return (candidate != null) ? Optional.of(candidate.leadership()) : Optional.empty();
	}

	/**
	 * Every role this instance competes for, with who leads it.
	 * @return the leaderships by role
	 */
	public Map<String, Leadership> getLeaderships() {
		Map<String, Leadership> leaderships = new LinkedHashMap<>();
		for (LeaderCandidate candidate : candidates()) {
			leaderships.put(candidate.role(), candidate.leadership());
		}
		return leaderships;
	}

	/**
	 * Gives up the leadership of a role, if held, so that another instance takes it; this instance competes again
	 * after two retry intervals.
	 * @param role the role
	 */
	public void yield(String role) {
		LeaderCandidate candidate = candidate(role);
		if (candidate != null) {
			candidate.yieldLeadership();
		}
	}

	private synchronized LeaderCandidate candidate(String role) {
		return this.candidates.get(role);
	}

	private synchronized List<LeaderCandidate> candidates() {
		return new ArrayList<>(this.candidates.values());
	}

	@Override
	public int getPhase() {
		// after the leases, which it uses; stopped before them
		return NatsLifecyclePhases.COORDINATION + 10;
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.eventExecutor = Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "nats-leader-events");
			thread.setDaemon(true);
			this.eventThread = thread;
			return thread;
		});
		for (String role : this.moreRoles.get()) {
			if (!this.excludedRoles.contains(role)) {
				addRole(role, null);
			}
		}
		if (candidates().isEmpty()) {
			return;
		}
		this.startingThread = Thread.currentThread();
		try {
			this.connectionManager.whenConnected((connection) -> {
				if (Thread.currentThread() == this.startingThread) {
					// connected at startup: a bucket that cannot be declared fails startup, as the reconciler does
					this.leases.ensureBucket();
				}
				if (this.running) {
					candidates().forEach(LeaderCandidate::start);
				}
			});
		}
		finally {
			this.startingThread = null;
		}
	}

	/**
	 * Stops competing: every role this instance leads is released (and revoked) before the connection drains.
	 */
	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		candidates().forEach(LeaderCandidate::stop);
		ExecutorService executor = this.eventExecutor;
		this.eventExecutor = null;
		if (executor != null) {
			executor.shutdown();
			try {
				if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
					logger.warn("Listeners of leadership events did not finish within 10s");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private Future<?> publish(Runnable event) {
		ExecutorService executor = this.eventExecutor;
		if (executor == null) {
			return CompletableFuture.completedFuture(null);
		}
		try {
			return executor.submit(() -> {
				try {
					event.run();
				}
				catch (RuntimeException ex) {
					logger.warn("A listener of a leadership event failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// stopped
			return CompletableFuture.completedFuture(null);
		}
	}

	private static void awaitQuietly(Future<?> published) {
		try {
			published.get(EVENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Listeners of a leadership revocation did not finish within " + EVENT_WAIT
					+ "; releasing the role anyway");
		}
	}

	private static boolean isToken(String role) {
		return role != null && !role.isEmpty() && role.chars()
			.allMatch((c) -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_');
	}

	@Override
	public String toString() {
		return "LeaderElection[" + this.leases.getInstanceId() + ", roles " + getLeaderships().keySet() + "]";
	}

	private final class Listener implements LeaderCandidate.Listener {

		@Override
		public void granted(String role, Lease lease) {
			logger.info("This instance (" + lease.holder() + ") leads role '" + role + "' (fencing token "
					+ lease.fencingToken() + ")");
			publish(() -> LeaderElection.this.events.granted(LeaderElection.this, role, lease.holder(),
					lease.fencingToken()));
		}

		@Override
		public void revoked(String role, Lease lease, String reason, boolean wait) {
			logger.info("This instance (" + lease.holder() + ") no longer leads role '" + role + "': " + reason);
			Future<?> published = publish(() -> LeaderElection.this.events.revoked(LeaderElection.this, role,
					lease.holder(), lease.fencingToken(), reason));
			// a listener that yields from an event would wait for itself
			if (wait && Thread.currentThread() != LeaderElection.this.eventThread) {
				awaitQuietly(published);
			}
		}

	}

}
