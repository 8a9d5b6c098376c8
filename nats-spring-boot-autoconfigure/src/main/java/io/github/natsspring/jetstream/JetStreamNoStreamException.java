package io.github.natsspring.jetstream;

/**
 * No stream captures the subject: the server had no one to store the message (a "no responders" status).
 */
public class JetStreamNoStreamException extends JetStreamPublishException {

	public JetStreamNoStreamException(String subject) {
		super(subject, "No stream captures subject '" + subject
				+ "': declare a stream with this subject (nats.jetstream.streams.<NAME>.subjects)", -1, null);
	}

}
