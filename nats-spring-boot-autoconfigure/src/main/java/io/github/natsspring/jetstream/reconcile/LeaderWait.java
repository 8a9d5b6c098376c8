package io.github.natsspring.jetstream.reconcile;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.IntPredicate;

import io.nats.client.JetStreamApiException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells a JetStream that cannot answer yet from one that refuses, and waits out the first, within a bound, for one
 * reconciliation. During an election (a node of the cluster died, the cluster just started, a node rejoins and
 * catches up) JetStream API requests time out or are answered "temporarily unavailable" (10008), "cluster can not
 * handle request" (10009) or "member change in progress" (10202) for a few seconds. None of that is a conflict
 * with the declarations: the request is repeated with a short back-off until it is answered or the bound
 * ({@code nats.jetstream.reconcile.leader-timeout}) has passed, then the last error counts as before.
 */
final class LeaderWait {

	private static final Log logger = LogFactory.getLog(JetStreamReconciler.class);

	/** JetStream system temporarily unavailable, cluster can not handle request, member change in progress. */
	private static final Set<Integer> NOT_READY = Set.of(10008, 10009, 10202);

	private static final long FIRST_PAUSE_MILLIS = 100;

	private static final long MAX_PAUSE_MILLIS = 1000;

	private final Duration bound;

	/** When this run began to wait, 0 while it never had to. */
	private long waitingSince;

	private long pause = FIRST_PAUSE_MILLIS;

	LeaderWait(Duration bound) {
		this.bound = (bound != null) ? bound : Duration.ZERO;
	}

	/**
	 * Runs a JetStream API request, repeating it while JetStream cannot answer yet.
	 * @param what what the request is about, for the log
	 * @param request the request
	 * @param alsoNotReady another refusal that means "not yet" in this situation, for example a consumer's replicas
	 * exceeding its stream's right after the stream was scaled up; may be {@code null}
	 * @return the answer
	 * @throws IOException if JetStream did not answer within the bound
	 * @throws JetStreamApiException if JetStream refused, or was still unavailable when the bound passed
	 */
	<T> T call(String what, Request<T> request, IntPredicate alsoNotReady)
			throws IOException, JetStreamApiException {
		while (true) {
			try {
				T answer = request.run();
				answered(what);
				return answer;
			}
			catch (JetStreamApiException ex) {
				boolean notReady = NOT_READY.contains(ex.getApiErrorCode())
						|| (alsoNotReady != null && alsoNotReady.test(ex.getApiErrorCode()));
				if (!notReady || !pause(what, ex.getErrorDescription() + " (error " + ex.getApiErrorCode() + ")")) {
					throw ex;
				}
			}
			catch (IOException ex) {
				// a request that times out: no leader to answer it (or no responders while JetStream elects one)
				if (!pause(what, "no answer: " + ex.getMessage())) {
					throw ex;
				}
			}
		}
	}

	<T> T call(String what, Request<T> request) throws IOException, JetStreamApiException {
		return call(what, request, null);
	}

	/** Whether the run waited for JetStream at all. */
	boolean hasWaited() {
		return this.waitingSince != 0;
	}

	private boolean pause(String what, String reason) {
		long now = System.nanoTime();
		if (this.waitingSince == 0) {
			this.waitingSince = now;
			if (!this.bound.isZero() && !this.bound.isNegative()) {
				logger.info("JetStream cannot answer about " + what + " yet (" + reason + "): no JetStream leader, "
						+ "or the cluster is not current, as during an election. Waiting up to "
						+ Values.formatDuration(this.bound) + " (nats.jetstream.reconcile.leader-timeout) before "
						+ "treating it as a failure.");
			}
		}
		long waited = now - this.waitingSince;
		if (waited >= this.bound.toNanos()) {
			if (!this.bound.isZero() && !this.bound.isNegative()) {
				logger.warn("JetStream still cannot answer about " + what + " after "
						+ Values.formatDuration(this.bound) + " (" + reason + ")");
			}
			return false;
		}
		try {
			Thread.sleep(Math.min(this.pause, Math.max(1, (this.bound.toNanos() - waited) / 1_000_000)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		this.pause = Math.min(MAX_PAUSE_MILLIS, this.pause * 2);
		return true;
	}

	private void answered(String what) {
		if (this.waitingSince != 0 && this.pause != FIRST_PAUSE_MILLIS) {
			logger.info("JetStream answers again (about " + what + ") after "
					+ Values.formatDuration(Duration.ofMillis((System.nanoTime() - this.waitingSince) / 1_000_000)));
			// later requests of this run that find JetStream unavailable again wait from the same start
			this.pause = FIRST_PAUSE_MILLIS;
		}
	}

	/**
	 * One JetStream API request.
	 * @param <T> the answer
	 */
	@FunctionalInterface
	interface Request<T> {

		T run() throws IOException, JetStreamApiException;

	}

}
