package io.github.natsspring.core;

/**
 * A request found no subscriber on its subject: nothing is listening there.
 */
public class NatsNoRespondersException extends NatsException {

	private final String subject;

	public NatsNoRespondersException(String subject) {
		super("No responders for request on subject '" + subject + "'");
		this.subject = subject;
	}

	public String getSubject() {
		return this.subject;
	}

}
