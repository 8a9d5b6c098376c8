package io.github.natsspring.coordination.lock;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.support.locks.DistributedLock;

import io.github.natsspring.coordination.KeptLease;
import io.github.natsspring.coordination.Lease;
import io.github.natsspring.coordination.LeaseLostException;
import io.github.natsspring.coordination.Leases;

/**
 * One lock of a {@link NatsLockRegistry}: a local reentrant lock for the threads of this instance, and a lease for
 * all instances, acquired by the first lock of a thread and released by its last unlock. The holding thread can
 * ask for the lease's {@linkplain #getFencingToken() fencing token}, to hand to the resource the lock protects.
 */
public final class NatsLock implements DistributedLock {

	private static final Log logger = LogFactory.getLog(NatsLock.class);

	private final Leases leases;

	private final String name;

	private final Duration defaultTtl;

	private final ReentrantLock local = new ReentrantLock();

	/** The lease while held; set and cleared by the holding thread. */
	private volatile KeptLease held;

	private volatile long lastUsed = System.currentTimeMillis();

	NatsLock(Leases leases, String name, Duration defaultTtl) {
		this.leases = leases;
		this.name = name;
		this.defaultTtl = defaultTtl;
	}

	@Override
	public void lock() {
		lock(this.defaultTtl);
	}

	@Override
	public void lock(Duration ttl) {
		this.local.lock();
		if (this.local.getHoldCount() > 1) {
			return;
		}
		boolean interrupted = false;
		try {
			while (true) {
				try {
					acquire(ttl, null);
					return;
				}
				catch (InterruptedException ex) {
					// lock() is not interruptible: remember it for the caller
					interrupted = true;
				}
			}
		}
		catch (RuntimeException ex) {
			this.local.unlock();
			throw ex;
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void lockInterruptibly() throws InterruptedException {
		this.local.lockInterruptibly();
		if (this.local.getHoldCount() > 1) {
			return;
		}
		try {
			acquire(this.defaultTtl, null);
		}
		catch (InterruptedException | RuntimeException ex) {
			this.local.unlock();
			throw ex;
		}
	}

	/**
	 * One attempt, without waiting.
	 * @return whether the lock is held now
	 */
	@Override
	public boolean tryLock() {
		try {
			return tryLock(Duration.ZERO, this.defaultTtl);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
		return tryLock(Duration.ofNanos(unit.toNanos(time)), this.defaultTtl);
	}

	@Override
	public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
		long deadline = System.nanoTime() + waitTime.toNanos();
		if (!this.local.tryLock(waitTime.toNanos(), TimeUnit.NANOSECONDS)) {
			return false;
		}
		if (this.local.getHoldCount() > 1) {
			return true;
		}
		try {
			Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			if (acquire(ttl, left)) {
				return true;
			}
			this.local.unlock();
			return false;
		}
		catch (InterruptedException | RuntimeException ex) {
			this.local.unlock();
			throw ex;
		}
	}

	/**
	 * Acquires the lease, with the local lock held for the first time.
	 * @param wait how long to wait, {@code null} for as long as it takes
	 */
	private boolean acquire(Duration ttl, Duration wait) throws InterruptedException {
		this.lastUsed = System.currentTimeMillis();
		Optional<Lease> lease = this.leases.acquire(this.name, ttl, wait);
		if (lease.isEmpty()) {
			return false;
		}
		this.held = this.leases.keep(lease.get(), this::lost);
		return true;
	}

	private void lost(Lease lease) {
		logger.warn("Lock '" + this.name + "' was lost while held (" + lease + "): renewals failed for longer than "
				+ "its TTL; another instance may hold it now");
	}

	@Override
	public void unlock() {
		if (!this.local.isHeldByCurrentThread()) {
			throw new IllegalMonitorStateException("The current thread does not hold lock '" + this.name + "'");
		}
		if (this.local.getHoldCount() > 1) {
			this.local.unlock();
			return;
		}
		KeptLease lease = this.held;
		this.held = null;
		this.lastUsed = System.currentTimeMillis();
		try {
			if (lease != null && !lease.release()) {
				throw new ConcurrentModificationException("Lock '" + this.name + "' was lost before it was unlocked ("
						+ lease.getLostReason() + "). The work done under it may have overlapped with another "
						+ "holder's; a resource that checks fencing tokens refused it.");
			}
		}
		finally {
			this.local.unlock();
		}
	}

	/**
	 * The fencing token of the current holding: larger for every later holder of this lock.
	 * @return the token
	 * @throws IllegalStateException if the current thread does not hold the lock
	 */
	public long getFencingToken() {
		KeptLease lease = this.held;
		if (!this.local.isHeldByCurrentThread() || lease == null) {
			throw new IllegalStateException("The current thread does not hold lock '" + this.name + "'");
		}
		return lease.getFencingToken();
	}

	/**
	 * Whether this instance holds the lock (in any thread) and its lease was renewed in time.
	 * @return {@code true} while held
	 */
	public boolean isHeld() {
		KeptLease lease = this.held;
		return lease != null && lease.isHeld();
	}

	void renew(Duration ttl) {
		KeptLease lease = this.held;
		if (!this.local.isHeldByCurrentThread() || lease == null) {
			throw new IllegalStateException("Could not renew lock '" + this.name + "': the current thread does not "
					+ "hold it");
		}
		try {
			lease.renew(ttl);
		}
		catch (LeaseLostException ex) {
			throw new IllegalStateException("Could not renew lock '" + this.name + "': " + ex.getMessage(), ex);
		}
	}

	boolean isUnusedSince(long time) {
		return !this.local.isLocked() && this.lastUsed < time;
	}

	/**
	 * Conditions are not offered: a distributed lock cannot hand a waiting thread over to another instance.
	 */
	@Override
	public Condition newCondition() {
		throw new UnsupportedOperationException("Conditions are not supported by NATS locks");
	}

	@Override
	public String toString() {
		KeptLease lease = this.held;
		return "NatsLock[" + this.name + ((lease != null) ? ", " + lease : ", not held") + "]";
	}

}
