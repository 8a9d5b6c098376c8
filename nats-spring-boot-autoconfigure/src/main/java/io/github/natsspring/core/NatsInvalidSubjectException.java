package io.github.natsspring.core;

/**
 * A subject that cannot be used: empty, with empty tokens or whitespace, or with wildcards where a concrete
 * subject is needed (publishing). Thrown before anything is sent.
 */
public class NatsInvalidSubjectException extends NatsException {

	private final String subject;

	public NatsInvalidSubjectException(String subject, String reason) {
		super("Invalid subject '" + subject + "': " + reason);
		this.subject = subject;
	}

	public String getSubject() {
		return this.subject;
	}

}
