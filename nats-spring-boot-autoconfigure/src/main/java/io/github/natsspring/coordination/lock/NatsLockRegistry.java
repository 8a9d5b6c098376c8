package io.github.natsspring.coordination.lock;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;

import io.github.natsspring.coordination.Leases;

/**
 * Spring Integration's {@code LockRegistry} on NATS key-value leases: every lock key is a lease in the coordination
 * bucket ({@code lock.<key>}), so at most one thread of all application instances holds a lock at a time.
 * <p>
 * Within one instance, a {@link java.util.concurrent.locks.ReentrantLock} per key lets only one thread at a time
 * ask NATS; a thread that holds a lock may lock it again. While held, the lease is renewed every third of its TTL;
 * {@code unlock()} releases it, and so does the application's stop. A holder that dies stops renewing, and its
 * lock expires within the TTL. An {@code unlock()} that finds the lease lost (it expired because renewals failed
 * for longer than its TTL) throws {@link java.util.ConcurrentModificationException}, as Spring Integration's other
 * distributed lock registries do: the work done under the lock may have overlapped with the next holder's.
 */
public class NatsLockRegistry
		implements ExpirableLockRegistry<DistributedLock>, RenewableLockRegistry<DistributedLock> {

	/** The namespace of lock keys in the coordination bucket. */
	public static final String NAMESPACE = "lock";

	private final Leases leases;

	private final Duration ttl;

	private final Map<String, NatsLock> locks = new ConcurrentHashMap<>();

	/**
	 * Creates a registry.
	 * @param leases the instance's leases (their namespace is replaced by {@code lock})
	 * @param ttl the TTL of a lock taken without one
	 */
	public NatsLockRegistry(Leases leases, Duration ttl) {
		this.leases = leases.namespace(NAMESPACE);
		this.ttl = (ttl != null) ? ttl : leases.getDefaultTtl();
	}

	/**
	 * The lock of a key; the same object for the same key while it is in use.
	 * @param lockKey the key; its {@code toString()} names the lock
	 * @return the lock
	 */
	@Override
	public DistributedLock obtain(Object lockKey) {
		String name = name(lockKey);
		return this.locks.computeIfAbsent(name, (key) -> new NatsLock(this.leases, key, this.ttl));
	}

	/**
	 * Renews a lock the current thread holds, with its TTL.
	 * @param lockKey the key
	 * @throws IllegalStateException if the current thread does not hold it, or it was lost
	 */
	@Override
	public void renewLock(Object lockKey) {
		renewLock(lockKey, null);
	}

	/**
	 * Renews a lock the current thread holds, with another TTL from now on.
	 * @param lockKey the key
	 * @param ttl the new TTL, {@code null} to keep it
	 * @throws IllegalStateException if the current thread does not hold it, or it was lost
	 */
	@Override
	public void renewLock(Object lockKey, Duration ttl) {
		NatsLock lock = this.locks.get(name(lockKey));
		if (lock == null) {
			throw new IllegalStateException("Could not renew lock '" + lockKey + "': it was never obtained");
		}
		lock.renew(ttl);
	}

	/**
	 * Forgets locks not locked and not used for the given time (held locks are never forgotten).
	 * @param age the time in milliseconds
	 */
	@Override
	public void expireUnusedOlderThan(long age) {
		long now = System.currentTimeMillis();
		this.locks.values().removeIf((lock) -> lock.isUnusedSince(now - age));
	}

	/**
	 * The key in the coordination bucket that a lock key has.
	 * @param lockKey the lock key
	 * @return the bucket key
	 */
	public String bucketKeyOf(Object lockKey) {
		return this.leases.keyOf(name(lockKey));
	}

	private static String name(Object lockKey) {
		if (lockKey == null) {
			throw new IllegalArgumentException("A lock key must not be null");
		}
		return lockKey.toString();
	}

	@Override
	public String toString() {
		return "NatsLockRegistry[" + this.leases.getBucketName() + ", ttl " + this.ttl + "]";
	}

}
