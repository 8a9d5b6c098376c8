package io.github.natsspring.jetstream;

import java.time.Duration;

/**
 * No acknowledgement arrived within the publish timeout. The message may or may not be stored: publish it again
 * with the same message id to be safe from duplicates.
 */
public class JetStreamAckTimeoutException extends JetStreamPublishException {

	private final Duration timeout;

	public JetStreamAckTimeoutException(String subject, Duration timeout, Throwable cause) {
		super(subject, "No JetStream acknowledgement for '" + subject + "' within " + timeout
				+ "; the message may or may not be stored (publish again with the same message id)", -1, cause);
		this.timeout = timeout;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

}
