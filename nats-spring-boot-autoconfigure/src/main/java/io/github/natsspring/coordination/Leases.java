package io.github.natsspring.coordination;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsLifecyclePhases;
import io.github.natsspring.coordination.LeaseOperations.Attempt;

/**
 * Leases on NATS key-value: a named key that one holder at a time writes and keeps by renewing it within its TTL.
 * A holder that dies (killed, or cut off from NATS) stops renewing, and the lease expires: by per-message TTL on
 * nats-server 2.11 and newer, otherwise by revision checks within the bucket's max-age (see {@link LeaseExpiry}).
 * Every acquisition returns a {@linkplain Lease#fencingToken() fencing token} that grows from one acquisition to
 * the next.
 *
 * <pre>{@code
 * Optional<Lease> lease = leases.tryAcquire("invoice-run", Duration.ofSeconds(30));
 * if (lease.isPresent()) {
 *     try (KeptLease kept = leases.keep(lease.get(), (lost) -> log.warn("lost {}", lost))) {
 *         invoices.run(kept.getFencingToken());
 *     }
 * }
 * }</pre>
 * Leases live in the coordination bucket under {@code lease.<name>}; the lock registry and leader election use the
 * same bucket under {@code lock.} and {@code leader.}. Every lease this instance keeps is released when the
 * application stops.
 */
public class Leases implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(Leases.class);

	/** The namespace of leases taken through this API. */
	public static final String NAMESPACE = "lease";

	private final Shared shared;

	private final String namespace;

	/**
	 * Creates the leases of an application instance; nothing is sent before the first use.
	 * @param bucket the coordination bucket
	 * @param instanceId identifies this instance as holder
	 * @param defaultTtl the TTL of leases acquired without one
	 * @param retryInterval how long a waiting acquisition waits before it tries again (unless a release wakes it
	 * earlier), and how often a failed renewal is retried
	 */
	public Leases(CoordinationBucket bucket, String instanceId, Duration defaultTtl, Duration retryInterval) {
		this(new Shared(new LeaseOperations(bucket), instanceId, defaultTtl, retryInterval), NAMESPACE);
	}

	private Leases(Shared shared, String namespace) {
		this.shared = shared;
		this.namespace = namespace;
	}

	/**
	 * The same leases under another namespace: the same bucket, holder and lifecycle, other keys.
	 * @param namespace letters, digits, '-' and '_'
	 * @return leases whose names become keys {@code <namespace>.<name>}
	 */
	public Leases namespace(String namespace) {
		if (!LeaseKeys.isToken(namespace)) {
			throw new IllegalArgumentException("A lease namespace may hold only letters, digits, '-' and '_': '"
					+ namespace + "'");
		}
		return new Leases(this.shared, namespace);
	}

	/**
	 * The holder id of this instance, written into every lease it holds.
	 * @return the instance id
	 */
	public String getInstanceId() {
		return this.shared.instanceId();
	}

	public Duration getDefaultTtl() {
		return this.shared.defaultTtl();
	}

	public String getBucketName() {
		return this.shared.operations().bucket().getName();
	}

	/**
	 * How leases expire on the connected server; opens (and, as the reconcile mode allows, creates) the bucket.
	 * @return the expiry
	 */
	public LeaseExpiry getExpiry() {
		return this.shared.operations().bucket().open().expiry();
	}

	/**
	 * Makes sure the coordination bucket exists (as the reconcile mode allows) and is open.
	 * @throws CoordinationException if it cannot be
	 */
	public void ensureBucket() {
		this.shared.operations().bucket().open();
	}

	/**
	 * The key a lease name has in the bucket.
	 * @param name the name
	 * @return the key
	 */
	public String keyOf(String name) {
		return LeaseKeys.key(this.namespace, name);
	}

	/**
	 * One attempt to acquire a lease with the default TTL.
	 * @param name the lease's name
	 * @return the lease, or empty when someone else holds it
	 * @throws CoordinationException if the server could not be asked
	 */
	public Optional<Lease> tryAcquire(String name) {
		return tryAcquire(name, null);
	}

	/**
	 * One attempt to acquire a lease.
	 * @param name the lease's name
	 * @param ttl how long it lasts without renewal, in whole seconds (rounded up), {@code null} for the default
	 * @return the lease, or empty when someone else holds it
	 * @throws CoordinationException if the server could not be asked
	 */
	public Optional<Lease> tryAcquire(String name, Duration ttl) {
		return attempt(name, ttl).asOptional();
	}

	/**
	 * One attempt to acquire a lease, saying who holds it when it is held.
	 * @param name the lease's name
	 * @param ttl how long it lasts without renewal, {@code null} for the default
	 * @return the lease, or its holder
	 * @throws CoordinationException if the server could not be asked
	 */
	public LeaseAttempt attempt(String name, Duration ttl) {
		Duration normalized = this.shared.normalize(ttl);
		String key = keyOf(name);
		String id = newId();
		Attempt attempt = this.shared.operations()
			.acquire(key, new LeaseValue(this.shared.instanceId(), id, normalized));
		return attempt.isAcquired() ? new LeaseAttempt(lease(name, key, id, attempt.revision(), normalized), null)
				: new LeaseAttempt(null, attempt.holder());
	}

	/**
	 * Acquires a lease, waiting for it at most {@code wait}: a release wakes the wait at once, and an expiry is
	 * noticed at the next retry. Failures to reach the server are retried while there is time.
	 * @param name the lease's name
	 * @param ttl how long it lasts without renewal, {@code null} for the default
	 * @param wait how long to wait; {@code null} to wait until acquired
	 * @return the lease, or empty when the wait ran out
	 * @throws InterruptedException if interrupted while waiting
	 * @throws CoordinationException if the server could not be reached until the wait ran out
	 */
	public Optional<Lease> acquire(String name, Duration ttl, Duration wait) throws InterruptedException {
		Duration normalized = this.shared.normalize(ttl);
		String key = keyOf(name);
		String id = newId();
		LeaseValue value = new LeaseValue(this.shared.instanceId(), id, normalized);
		long deadline = (wait != null) ? System.nanoTime() + wait.toNanos() : Long.MAX_VALUE;
		Semaphore wakeUp = new Semaphore(0);
		AutoCloseable registration = null;
		RuntimeException lastFailure = null;
		try {
			while (true) {
				wakeUp.drainPermits();
				try {
					if (registration == null) {
						registration = this.shared.signals()
							.onRelease(this.shared.operations().bucket().open(), key, wakeUp::release);
					}
					Attempt attempt = this.shared.operations().acquire(key, value);
					if (attempt.isAcquired()) {
						return Optional.of(lease(name, key, id, attempt.revision(), normalized));
					}
					lastFailure = null;
				}
				catch (IllegalArgumentException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					if (wait == null && lastFailure == null) {
						logger.warn("Could not acquire lease " + key + ", retrying until it is acquired: "
								+ ex.getMessage());
					}
					lastFailure = ex;
				}
				long left = (wait != null) ? deadline - System.nanoTime() : Long.MAX_VALUE;
				if (left <= 0) {
					if (lastFailure != null) {
						throw lastFailure;
					}
					return Optional.empty();
				}
				wakeUp.tryAcquire(Math.min(left, this.shared.retryInterval().toNanos()), TimeUnit.NANOSECONDS);
			}
		}
		finally {
			closeQuietly(registration);
		}
	}

	/**
	 * Renews a lease with its TTL.
	 * @param lease the lease as last renewed
	 * @return the lease with its new revision
	 * @throws LeaseLostException if someone else wrote it since (it expired)
	 * @throws CoordinationException if the server could not be reached
	 */
	public Lease renew(Lease lease) {
		return renew(lease, null);
	}

	/**
	 * Renews a lease with another TTL from now on.
	 * @param lease the lease as last renewed
	 * @param ttl the new TTL, {@code null} to keep it
	 * @return the lease with its new revision
	 * @throws LeaseLostException if someone else wrote it since (it expired)
	 * @throws CoordinationException if the server could not be reached
	 */
	public Lease renew(Lease lease, Duration ttl) {
		Duration newTtl = (ttl != null) ? this.shared.normalize(ttl) : lease.ttl();
		return lease.renewed(this.shared.operations().renew(lease, newTtl), newTtl);
	}

	/**
	 * Releases a lease, so that the next contender gets it at once.
	 * @param lease the lease as last renewed
	 * @return {@code true} if it was still held, {@code false} if it had been lost
	 * @throws CoordinationException if the server could not be reached (the lease then expires by its TTL)
	 */
	public boolean release(Lease lease) {
		boolean held = this.shared.operations().release(lease);
		this.shared.signals().released(lease.key());
		return held;
	}

	/**
	 * Keeps a lease renewed until it is released (or the application stops).
	 * @param lease the lease, just acquired
	 * @param onLost runs once if the lease is lost while kept
	 * @return the kept lease
	 */
	public KeptLease keep(Lease lease, Consumer<Lease> onLost) {
		// counted from now: the acquiring write was sent a moment ago, so this errs on the safe side only slightly
		KeptLease kept = new KeptLease(this.shared, lease, System.nanoTime(), onLost);
		this.shared.kept().add(kept);
		kept.start();
		return kept;
	}

	/**
	 * Who holds a lease now.
	 * @param name the lease's name
	 * @return the holder, empty when nobody does
	 * @throws CoordinationException if the server could not be asked
	 */
	public Optional<LeaseHolder> getHolder(String name) {
		return Optional.ofNullable(this.shared.operations().holder(keyOf(name)));
	}

	/**
	 * Calls back when a lease is released by its holder (a hint, for example to try again at once). Expiries are
	 * not signalled.
	 * @param name the lease's name
	 * @param callback runs on a NATS dispatcher thread; must return quickly
	 * @return closes the registration
	 */
	public AutoCloseable onRelease(String name, Runnable callback) {
		return this.shared.signals().onRelease(this.shared.operations().bucket().open(), keyOf(name), callback);
	}

	/**
	 * The scheduler that renews leases, also for work that belongs with it (such as leader candidates' attempts).
	 * @return the scheduler
	 */
	public ScheduledExecutorService getScheduler() {
		return this.shared.scheduler();
	}

	private Lease lease(String name, String key, String id, long revision, Duration ttl) {
		return new Lease(name, key, this.shared.instanceId(), id, revision, revision, ttl);
	}

	private static String newId() {
		return UUID.randomUUID().toString();
	}

	private static void closeQuietly(AutoCloseable registration) {
		if (registration != null) {
			try {
				registration.close();
			}
			catch (Exception ex) {
				// nothing to clean up beyond the map entry
			}
		}
	}

	@Override
	public int getPhase() {
		return NatsLifecyclePhases.COORDINATION;
	}

	@Override
	public void start() {
		this.shared.running = true;
	}

	/**
	 * Releases every lease this instance keeps (locks, leaderships), before the connection drains.
	 */
	@Override
	public void stop() {
		this.shared.running = false;
		List<KeptLease> kept = new ArrayList<>(this.shared.kept());
		for (KeptLease lease : kept) {
			lease.release();
		}
		this.shared.signals().close();
		this.shared.shutdown();
	}

	@Override
	public boolean isRunning() {
		return this.shared.running;
	}

	@Override
	public String toString() {
		return "Leases[" + getBucketName() + "/" + this.namespace + ", holder " + getInstanceId() + "]";
	}

	/**
	 * What all namespaces of one instance's leases share.
	 */
	static final class Shared {

		private static final Duration MIN_TTL = Duration.ofSeconds(1);

		private final LeaseOperations operations;

		private final String instanceId;

		private final Duration defaultTtl;

		private final Duration retryInterval;

		private final ReleaseSignals signals = new ReleaseSignals();

		private final Set<KeptLease> kept = ConcurrentHashMap.newKeySet();

		private volatile ScheduledThreadPoolExecutor scheduler;

		private volatile boolean running;

		Shared(LeaseOperations operations, String instanceId, Duration defaultTtl, Duration retryInterval) {
			this.operations = operations;
			this.instanceId = instanceId;
			this.defaultTtl = normalizeTtl(defaultTtl);
			this.retryInterval = retryInterval;
		}

		LeaseOperations operations() {
			return this.operations;
		}

		String instanceId() {
			return this.instanceId;
		}

		Duration defaultTtl() {
			return this.defaultTtl;
		}

		Duration retryInterval() {
			return this.retryInterval;
		}

		ReleaseSignals signals() {
			return this.signals;
		}

		Set<KeptLease> kept() {
			return this.kept;
		}

		void forget(KeptLease lease) {
			this.kept.remove(lease);
		}

		Duration normalize(Duration ttl) {
			return (ttl != null) ? normalizeTtl(ttl) : this.defaultTtl;
		}

		/**
		 * TTLs are whole seconds, as the server counts them; a fraction is rounded up, never down, so that a lease
		 * never expires before its holder expects.
		 */
		private static Duration normalizeTtl(Duration ttl) {
			if (ttl.compareTo(MIN_TTL) < 0) {
				throw new IllegalArgumentException("A lease TTL must be at least one second, was " + ttl);
			}
			long seconds = ttl.getSeconds() + ((ttl.getNano() > 0) ? 1 : 0);
			return Duration.ofSeconds(seconds);
		}

		ScheduledExecutorService scheduler() {
			ScheduledThreadPoolExecutor current = this.scheduler;
			if (current != null) {
				return current;
			}
			synchronized (this) {
				if (this.scheduler == null) {
					AtomicInteger count = new AtomicInteger();
					ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(2, (runnable) -> {
						Thread thread = new Thread(runnable, "nats-coordination-" + count.incrementAndGet());
						thread.setDaemon(true);
						return thread;
					});
					created.setRemoveOnCancelPolicy(true);
					this.scheduler = created;
				}
				return this.scheduler;
			}
		}

		synchronized void shutdown() {
			ScheduledThreadPoolExecutor current = this.scheduler;
			this.scheduler = null;
			if (current != null) {
				current.shutdownNow();
			}
		}

	}

}
