package io.github.natsspring.jetstream;

import io.github.natsspring.core.NatsException;

/**
 * A JetStream publish was not stored. {@link #getApiErrorCode()} is the server's JetStream error code when it
 * refused the message, otherwise -1.
 */
public class JetStreamPublishException extends NatsException {

	private final String subject;

	private final int apiErrorCode;

	public JetStreamPublishException(String subject, String message, int apiErrorCode, Throwable cause) {
		super(message, cause);
		this.subject = subject;
		this.apiErrorCode = apiErrorCode;
	}

	public String getSubject() {
		return this.subject;
	}

	/**
	 * The JetStream API error code (see the server's error list), -1 when the server did not refuse the message.
	 * @return the code
	 */
	public int getApiErrorCode() {
		return this.apiErrorCode;
	}

}
