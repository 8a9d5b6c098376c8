package io.github.natsspring.core;

/**
 * Thrown by a handler to fail a request with a specific error code and a description the caller may see.
 * The reply carries {@code Nats-Service-Error-Code} and {@code Nats-Service-Error} headers.
 *
 * <pre>{@code
 * throw new NatsServiceException(404, "invoice " + id + " not found");
 * }</pre>
 */
public class NatsServiceException extends NatsException {

	private final int code;

	private final String description;

	public NatsServiceException(int code, String description) {
		super(code + ": " + description);
		this.code = code;
		this.description = description;
	}

	public NatsServiceException(int code, String description, Throwable cause) {
		super(code + ": " + description, cause);
		this.code = code;
		this.description = description;
	}

	public int getCode() {
		return this.code;
	}

	public String getDescription() {
		return this.description;
	}

}
