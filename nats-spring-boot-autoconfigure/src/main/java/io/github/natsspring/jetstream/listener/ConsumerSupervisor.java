package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.ConsumerInfo;

import io.github.natsspring.jetstream.reconcile.ResourceReport;
import io.github.natsspring.jetstream.reconcile.ResourceStatus;

/**
 * Watches a durable listener's consumer, every {@code consumer-info-interval}: retries a setup that failed for a
 * transient reason, restarts a consumer thread that ended, reads the consumer info (health, gauges), recreates a
 * deleted consumer when the reconcile mode allows it, and notices a stalled consumer.
 */
final class ConsumerSupervisor {

	static final int CONSUMER_NOT_FOUND = 10014;

	static final int STREAM_NOT_FOUND = 10059;

	private final PullConsumerContainer container;

	private final JetStreamListenerEndpoint endpoint;

	private volatile ConsumerInfo info;

	private volatile long infoNanos;

	private volatile boolean consumerMissing;

	private volatile boolean stalled;

	private volatile long waitingSinceNanos;

	ConsumerSupervisor(PullConsumerContainer container) {
		this.container = container;
		this.endpoint = container.endpoint;
	}

	ConsumerInfo info() {
		return this.info;
	}

	Duration infoAge() {
		return Duration.ofNanos(System.nanoTime() - this.infoNanos);
	}

	boolean isConsumerMissing() {
		return this.consumerMissing;
	}

	boolean isStalled() {
		return this.stalled;
	}

	/**
	 * Takes the consumer info read during setup.
	 * @param consumerInfo the info
	 */
	void accept(ConsumerInfo consumerInfo) {
		this.info = consumerInfo;
		this.infoNanos = System.nanoTime();
		this.consumerMissing = false;
	}

	void supervise() {
		PullConsumerContainer c = this.container;
		if (!c.isActive()) {
			return;
		}
		try {
			if (!c.isSetUp()) {
				c.setup();
				c.logger.info(c.what() + " started after all");
				return;
			}
			c.ensureConsumerThread();
			refreshConsumerInfo();
		}
		catch (JetStreamContainer.ListenerTransientException ex) {
			c.problem = "waiting for JetStream: " + ex.getMessage();
		}
		catch (RuntimeException ex) {
			if (!Objects.equals(ex.getMessage(), c.problem)) {
				c.logger.warn(c.what() + ": " + ex.getMessage());
			}
			c.problem = ex.getMessage();
		}
	}

	private void refreshConsumerInfo() {
		PullConsumerContainer c = this.container;
		if (!c.isConnected()) {
			return;
		}
		ConsumerInfo current;
		try {
			current = c.management(c.connection).getConsumerInfo(this.endpoint.stream(), this.endpoint.consumer());
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == CONSUMER_NOT_FOUND || ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				onConsumerMissing(ex);
			}
			else {
				c.problem = "consumer info: " + ex.getMessage();
			}
			return;
		}
		catch (IOException ex) {
			// not answered (reconnecting, JetStream busy): keep the last one
			return;
		}
		this.info = current;
		this.infoNanos = System.nanoTime();
		c.applyPullLimits(current.getConsumerConfiguration());
		if (!this.consumerMissing) {
			c.problem = null;
		}
		if (this.consumerMissing) {
			this.consumerMissing = false;
			c.problem = null;
			c.logger.info(c.what() + ": consumer " + consumerName() + " exists again");
			c.restartConsuming("the consumer exists again");
			return;
		}
		checkStalled(current);
	}

	private String consumerName() {
		return this.endpoint.stream() + "/" + this.endpoint.consumer();
	}

	private void onConsumerMissing(JetStreamApiException ex) {
		PullConsumerContainer c = this.container;
		String consumer = consumerName();
		if (!this.consumerMissing) {
			this.consumerMissing = true;
			c.logger.error(c.what() + ": consumer " + consumer + " no longer exists on the server ("
					+ ex.getErrorDescription() + ")");
		}
		c.problem = "consumer " + consumer + " is missing on the server";
		if (c.support.getReconciler() == null || !c.support.mayCreate()) {
			return;
		}
		ResourceReport report;
		try {
			if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				// the stream itself is gone (a memory stream after a server restart): bring it back as declared first
				c.support.getReconciler().reconcileStream(this.endpoint.stream());
			}
			report = c.support.getReconciler()
				.ensureConsumer(this.endpoint.stream(), this.endpoint.declaration(), this.endpoint.reconcileReasons());
		}
		catch (RuntimeException failure) {
			c.problem = "consumer " + consumer + " is missing and could not be recreated: " + failure.getMessage();
			return;
		}
		if (report.status() == ResourceStatus.CREATED) {
			c.logger.warn(c.what() + ": recreated consumer " + consumer + " as declared; it delivers again from its "
					+ "deliver policy (" + ((this.endpoint.declaration().deliverPolicy() != null)
							? this.endpoint.declaration().deliverPolicy() : "all")
					+ ")");
		}
		if (!report.status().isProblem() && report.status() != ResourceStatus.MISSING) {
			this.consumerMissing = false;
			c.problem = null;
			c.restartConsuming("consumer recreated");
		}
	}

	/**
	 * Stalled: the consumer has messages to deliver and room for more unacknowledged ones, and yet nothing moved for
	 * the stall timeout — no message arrived or was settled, and no handler is still within max-in-progress. Health
	 * goes DOWN; when no handler runs at all the pull is restarted (once per timeout).
	 */
	private void checkStalled(ConsumerInfo current) {
		PullConsumerContainer c = this.container;
		long maxAckPending = current.getConsumerConfiguration().getMaxAckPending();
		boolean waiting = current.getNumPending() > 0
				&& (maxAckPending <= 0 || current.getNumAckPending() < maxAckPending);
		long now = System.nanoTime();
		long since = this.waitingSinceNanos;
		if (!waiting || since == 0 || c.lastActivityNanos() - since > 0 || c.deliveries.isProgressing()) {
			// something moves: messages arrive or are settled, or a handler still works within max-in-progress
			this.waitingSinceNanos = waiting ? now : 0;
			this.stalled = false;
			return;
		}
		Duration timeout = c.support.getDefaults().stallTimeout();
		if (now - since < timeout.toNanos()) {
			return;
		}
		int inFlight = c.deliveries.handling();
		if (!this.stalled) {
			c.logger.warn(c.what() + " is stalled: " + current.getNumPending() + " message(s) wait on "
					+ consumerName() + " and nothing happened for " + timeout
					+ ((inFlight == 0) ? "" : " (" + inFlight + " handler(s) still running)"));
		}
		this.stalled = true;
		if (inFlight == 0) {
			this.waitingSinceNanos = now;
			c.restartConsuming("stalled");
		}
	}

}
