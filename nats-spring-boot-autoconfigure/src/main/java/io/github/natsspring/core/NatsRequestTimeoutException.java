package io.github.natsspring.core;

import java.time.Duration;

/**
 * A request got no reply within its timeout.
 */
public class NatsRequestTimeoutException extends NatsException {

	private final String subject;

	private final Duration timeout;

	public NatsRequestTimeoutException(String subject, Duration timeout) {
		super("No reply on subject '" + subject + "' within " + timeout);
		this.subject = subject;
		this.timeout = timeout;
	}

	public String getSubject() {
		return this.subject;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

}
