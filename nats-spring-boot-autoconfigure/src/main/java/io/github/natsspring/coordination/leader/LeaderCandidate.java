package io.github.natsspring.coordination.leader;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.coordination.KeptLease;
import io.github.natsspring.coordination.Lease;
import io.github.natsspring.coordination.LeaseAttempt;
import io.github.natsspring.coordination.LeaseHolder;
import io.github.natsspring.coordination.Leases;

/**
 * This instance's candidacy for one role: tries to acquire the role's lease every retry interval (at once when the
 * leader releases it), keeps it renewed while leading, and tries again after losing it.
 */
final class LeaderCandidate {

	private static final Log logger = LogFactory.getLog(LeaderCandidate.class);

	private final String role;

	private final Duration ttl;

	private final Leases leases;

	private final Duration retryInterval;

	private final Listener listener;

	private KeptLease kept;

	private LeaseHolder lastSeen;

	private Instant since;

	private String lastError;

	private boolean running;

	private ScheduledFuture<?> next;

	private AutoCloseable releaseHint;

	/** After yielding, release hints do not wake this candidate before this {@link System#nanoTime()}. */
	private long quietUntil = System.nanoTime();

	LeaderCandidate(String role, Duration ttl, Leases leases, Duration retryInterval, Listener listener) {
		this.role = role;
		this.ttl = ttl;
		this.leases = leases;
		this.retryInterval = retryInterval;
		this.listener = listener;
	}

	String role() {
		return this.role;
	}

	synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		schedule(Duration.ZERO);
	}

	synchronized boolean isLeader() {
		return this.kept != null && this.kept.isHeld();
	}

	synchronized Leadership leadership() {
		if (this.kept != null) {
			Lease lease = this.kept.getLease();
			return new Leadership(this.role, lease.holder(), this.kept.isHeld(), lease.fencingToken(), this.since,
					this.lastError);
		}
		if (this.lastSeen != null) {
			return new Leadership(this.role, this.lastSeen.holder(), false, this.lastSeen.revision(),
					this.lastSeen.writtenAt(), this.lastError);
		}
		return new Leadership(this.role, null, false, 0, null, this.lastError);
	}

	private synchronized void attempt() {
		this.next = null;
		if (!this.running || this.kept != null) {
			return;
		}
		try {
			if (this.releaseHint == null) {
				// the leader's release wakes this candidate at once rather than at the next retry
				this.releaseHint = this.leases.onRelease(this.role, () -> wakeUp());
			}
			LeaseAttempt attempt = this.leases.attempt(this.role, this.ttl);
			this.lastError = null;
			if (attempt.isAcquired()) {
				Lease lease = attempt.lease();
				this.kept = this.leases.keep(lease, this::lost);
				this.since = Instant.now();
				this.lastSeen = null;
				this.listener.granted(this.role, lease);
				return;
			}
			this.lastSeen = attempt.holder();
		}
		catch (RuntimeException ex) {
			if (this.lastError == null) {
				logger.warn("Leader candidate for role '" + this.role + "' could not reach the coordination bucket, "
						+ "retrying: " + ex.getMessage());
			}
			this.lastError = ex.getMessage();
		}
		schedule(this.retryInterval);
	}

	private synchronized void wakeUp() {
		if (this.running && this.kept == null && this.next != null && System.nanoTime() - this.quietUntil >= 0
				&& this.next.cancel(false)) {
			schedule(Duration.ZERO);
		}
	}

	private void lost(Lease lease) {
		String reason;
		synchronized (this) {
			if (this.kept == null || this.kept.getLease().fencingToken() != lease.fencingToken()) {
				return;
			}
			reason = (this.kept.getLostReason() != null) ? this.kept.getLostReason() : "the lease was lost";
			this.kept = null;
			this.lastError = reason;
			if (this.running) {
				schedule(this.retryInterval);
			}
		}
		logger.warn("Leadership of role '" + this.role + "' was lost: " + reason);
		this.listener.revoked(this.role, lease, reason, false);
	}

	/**
	 * Gives up leadership, if held, and lets the others have it: this candidate tries again only after two retry
	 * intervals, while the others are woken by the release at once. The revocation is announced (and its listeners
	 * have run) before the lease is released, so that no other instance leads while this one still acts as leader.
	 */
	void yieldLeadership() {
		KeptLease yielded;
		synchronized (this) {
			yielded = this.kept;
			this.kept = null;
			if (yielded != null && this.running) {
				if (this.next != null) {
					this.next.cancel(false);
				}
				this.quietUntil = System.nanoTime() + this.retryInterval.multipliedBy(2).toNanos();
				schedule(this.retryInterval.multipliedBy(2));
			}
		}
		if (yielded != null) {
			this.listener.revoked(this.role, yielded.getLease(), "yielded", true);
			yielded.release();
		}
	}

	/** Stops competing and, if leading, announces the revocation and then releases the role. */
	void stop() {
		KeptLease stopped;
		synchronized (this) {
			this.running = false;
			if (this.next != null) {
				this.next.cancel(false);
				this.next = null;
			}
			if (this.releaseHint != null) {
				try {
					this.releaseHint.close();
				}
				catch (Exception ex) {
					// nothing held
				}
				this.releaseHint = null;
			}
			stopped = this.kept;
			this.kept = null;
		}
		if (stopped != null) {
			this.listener.revoked(this.role, stopped.getLease(), "the application stops", true);
			stopped.release();
		}
	}

	/** Guarded by this. */
	private void schedule(Duration delay) {
		try {
			this.next = this.leases.getScheduler().schedule(this::attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	/**
	 * Hears of leadership changes.
	 */
	interface Listener {

		void granted(String role, Lease lease);

		/**
		 * Leadership ended.
		 * @param wait whether to return only once the revocation's listeners have run
		 */
		void revoked(String role, Lease lease, String reason, boolean wait);

	}

}
