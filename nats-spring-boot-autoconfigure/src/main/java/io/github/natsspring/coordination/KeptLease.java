package io.github.natsspring.coordination;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A lease renewed automatically, every third of its TTL, until it is {@linkplain #release() released} or lost.
 * <p>
 * A renewal that fails for want of the server (a disconnect, a restart, a cluster electing a new stream leader) is
 * retried; if none succeeds within two thirds of the TTL after the last one was sent, the lease counts as lost
 * here, still a third of the TTL before the server (or a contender) can let anyone else have it. A renewal the
 * server refuses because the lease moved on loses it at once. Either way the callback given to
 * {@link Leases#keep} runs once.
 */
public final class KeptLease implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(KeptLease.class);

	private final Leases.Shared shared;

	private final Consumer<Lease> onLost;

	private final Object monitor = new Object();

	private Lease lease;

	private State state = State.HELD;

	/** The {@link System#nanoTime()} by which a renewal must succeed for the lease to count as held. */
	private long heldUntil;

	private ScheduledFuture<?> next;

	private String lostReason;

	KeptLease(Leases.Shared shared, Lease lease, long acquiredAt, Consumer<Lease> onLost) {
		this.shared = shared;
		this.lease = lease;
		this.onLost = onLost;
		this.heldUntil = acquiredAt + validity(lease.ttl());
	}

	void start() {
		synchronized (this.monitor) {
			schedule(renewalInterval(this.lease.ttl()));
		}
	}

	/**
	 * The lease as last written: the fencing token stays, the revision moves with each renewal.
	 * @return the lease
	 */
	public Lease getLease() {
		synchronized (this.monitor) {
			return this.lease;
		}
	}

	/**
	 * The fencing token of the acquisition.
	 * @return the token
	 */
	public long getFencingToken() {
		return getLease().fencingToken();
	}

	/**
	 * Whether the lease is held: not released, not lost, and renewed recently enough.
	 * @return {@code true} while held
	 */
	public boolean isHeld() {
		synchronized (this.monitor) {
			return this.state == State.HELD && System.nanoTime() - this.heldUntil < 0;
		}
	}

	/**
	 * Why the lease was lost.
	 * @return the reason, {@code null} while held or once released
	 */
	public String getLostReason() {
		synchronized (this.monitor) {
			return this.lostReason;
		}
	}

	/**
	 * Renews the lease now, with its TTL.
	 * @return the renewed lease
	 * @throws LeaseLostException if it is no longer held
	 */
	public Lease renew() {
		return renew(null);
	}

	/**
	 * Renews the lease now, with another TTL from now on.
	 * @param ttl the new TTL, {@code null} to keep it
	 * @return the renewed lease
	 * @throws LeaseLostException if it is no longer held
	 * @throws CoordinationException if the server could not be reached (the lease stays kept)
	 */
	public Lease renew(Duration ttl) {
		Lease current;
		synchronized (this.monitor) {
			if (!isHeld()) {
				throw new LeaseLostException(this.lease, "Lease " + this.lease.key() + " is no longer held"
						+ ((this.lostReason != null) ? ": " + this.lostReason : ""));
			}
			current = this.lease;
		}
		Duration newTtl = (ttl != null) ? this.shared.normalize(ttl) : current.ttl();
		long sent = System.nanoTime();
		try {
			return renewed(current, this.shared.operations().renew(current, newTtl), newTtl, sent);
		}
		catch (LeaseLostException ex) {
			lost(ex.getMessage());
			throw ex;
		}
	}

	/**
	 * Stops renewing and releases the lease, so that the next contender gets it at once.
	 * @return {@code true} if it was held until now (or released before), {@code false} if it had been lost
	 */
	public boolean release() {
		Lease current;
		synchronized (this.monitor) {
			if (this.state != State.HELD) {
				return this.state == State.RELEASED;
			}
			this.state = State.RELEASED;
			cancelNext();
			current = this.lease;
		}
		this.shared.forget(this);
		try {
			boolean held = this.shared.operations().release(current);
			this.shared.signals().released(current.key());
			if (!held) {
				synchronized (this.monitor) {
					this.state = State.LOST;
					this.lostReason = "it expired before it was released";
				}
			}
			return held;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not release " + current + "; it expires within " + current.ttl() + ": "
					+ ex.getMessage());
			return true;
		}
	}

	/** Releases the lease, as {@link #release()}. */
	@Override
	public void close() {
		release();
	}

	private void renewTick() {
		Lease current;
		synchronized (this.monitor) {
			if (this.state != State.HELD) {
				return;
			}
			if (System.nanoTime() - this.heldUntil >= 0) {
				current = null;
			}
			else {
				current = this.lease;
			}
		}
		if (current == null) {
			lost("no renewal succeeded within " + Duration.ofNanos(validity(this.lease.ttl())));
			return;
		}
		long sent = System.nanoTime();
		try {
			renewed(current, this.shared.operations().renew(current, current.ttl()), current.ttl(), sent);
		}
		catch (LeaseLostException ex) {
			lost(ex.getMessage());
		}
		catch (RuntimeException ex) {
			retry(ex);
		}
	}

	private Lease renewed(Lease current, long revision, Duration ttl, long sent) {
		synchronized (this.monitor) {
			if (this.state != State.HELD || this.lease.revision() > revision) {
				return this.lease;
			}
			this.lease = current.renewed(revision, ttl);
			this.heldUntil = sent + validity(ttl);
			cancelNext();
			schedule(renewalInterval(ttl));
			return this.lease;
		}
	}

	private void retry(RuntimeException failure) {
		synchronized (this.monitor) {
			if (this.state != State.HELD) {
				return;
			}
			long left = this.heldUntil - System.nanoTime();
			if (left <= 0) {
				// lost below, outside the monitor
			}
			else {
				if (logger.isDebugEnabled()) {
					logger.debug("Renewal of " + this.lease + " failed, retrying: " + failure.getMessage());
				}
				schedule(Math.min(this.shared.retryInterval().toNanos(), left));
				return;
			}
		}
		lost("no renewal succeeded in time; the last attempt failed: " + failure.getMessage());
	}

	private void lost(String reason) {
		Lease current;
		synchronized (this.monitor) {
			if (this.state != State.HELD) {
				return;
			}
			this.state = State.LOST;
			this.lostReason = reason;
			cancelNext();
			current = this.lease;
		}
		this.shared.forget(this);
		try {
			this.onLost.accept(current);
		}
		catch (RuntimeException ex) {
			logger.warn("The callback for the loss of " + current + " failed", ex);
		}
	}

	/** Guarded by the monitor. */
	private void schedule(long delayNanos) {
		try {
			this.next = this.shared.scheduler().schedule(this::renewTick, delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping: the lease is released by the stop
		}
	}

	private void cancelNext() {
		if (this.next != null) {
			this.next.cancel(false);
			this.next = null;
		}
	}

	/** Renewals happen every third of the TTL. */
	static long renewalInterval(Duration ttl) {
		return ttl.toNanos() / 3;
	}

	/**
	 * A lease counts as held for two thirds of its TTL after a renewal was sent; the server keeps it for the whole
	 * TTL after storing it, so this holder has given it up a third of the TTL before anyone else can have it.
	 */
	static long validity(Duration ttl) {
		return ttl.toNanos() / 3 * 2;
	}

	@Override
	public String toString() {
		synchronized (this.monitor) {
			return "KeptLease[" + this.lease + ", " + this.state + "]";
		}
	}

	private enum State {

		HELD, RELEASED, LOST

	}

}
