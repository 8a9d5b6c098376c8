package io.github.natsspring.core;

/**
 * A service replied with an error: the reply carried {@code Nats-Service-Error} and
 * {@code Nats-Service-Error-Code} headers (the NATS service protocol's way to fail a request).
 */
public class NatsServiceErrorException extends NatsException {

	private final String subject;

	private final int code;

	private final String description;

	public NatsServiceErrorException(String subject, int code, String description) {
		super("Service on subject '" + subject + "' replied with error " + code + ": " + description);
		this.subject = subject;
		this.code = code;
		this.description = description;
	}

	public String getSubject() {
		return this.subject;
	}

	/**
	 * The error code, HTTP-like by convention (400 bad request, 404 not found, 500 internal error).
	 * @return the code
	 */
	public int getCode() {
		return this.code;
	}

	public String getDescription() {
		return this.description;
	}

}
