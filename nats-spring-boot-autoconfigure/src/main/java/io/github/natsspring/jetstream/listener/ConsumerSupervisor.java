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
 * deleted consumer when the reconcile mode allows it, and notices a stalled listener ({@link StallDetector}).
 */
final class ConsumerSupervisor {

	static final int CONSUMER_NOT_FOUND = 10014;

	static final int STREAM_NOT_FOUND = 10059;

	private final PullConsumerContainer container;

	private final JetStreamListenerEndpoint endpoint;

	private volatile ConsumerInfo info;

	private volatile long infoNanos;

	private volatile boolean consumerMissing;

	private final StallDetector stall;

	ConsumerSupervisor(PullConsumerContainer container) {
		this.container = container;
		this.endpoint = container.endpoint;
		this.stall = new StallDetector(container.support.getDefaults().stallTimeout());
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
		return this.stall.isStalled();
	}

	Duration stalledFor() {
		return this.stall.stalledFor();
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
			// reconnecting: the reconnect settings decide, and the connection's health says so
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
			// not answered (reconnecting, JetStream busy): keep the last one, and still look for a stall with it
			checkStalled();
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
		checkStalled();
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
	 * Runs the stall check on the latest consumer info (also when this round could not read it) and acts on it.
	 */
	private void checkStalled() {
		PullConsumerContainer c = this.container;
		StallDetector.ClientView view = c.clientView();
		ConsumerInfo current = this.info;
		switch (this.stall.check(view, current, System.nanoTime())) {
			case STALLED -> {
				c.logger.warn(this.stall.describe(c.what(), consumerName(), view, current, infoAge()));
				recover(view);
			}
			case STILL_STALLED_AGAIN -> {
				c.logger.info(c.what() + " is still stalled (for " + this.stall.stalledFor().toSeconds() + "s)");
				recover(view);
			}
			case RECOVERED -> c.logger.warn(c.what() + " handles messages again on " + consumerName());
			default -> {
			}
		}
	}

	private void recover(StallDetector.ClientView view) {
		if (view.handling() == 0) {
			this.container.replacePullLoop("stalled");
		}
	}

}
