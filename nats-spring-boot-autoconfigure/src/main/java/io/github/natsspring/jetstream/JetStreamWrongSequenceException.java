package io.github.natsspring.jetstream;

/**
 * The server refused a publish because the stream (or subject) did not end at the expected last sequence
 * (JetStream error 10071): someone else published in between. Read the current state and retry, or give up.
 */
public class JetStreamWrongSequenceException extends JetStreamPublishException {

	/** JetStream API error: wrong last sequence. */
	public static final int WRONG_LAST_SEQUENCE = 10071;

	public JetStreamWrongSequenceException(String subject, String description, Throwable cause) {
		super(subject, "Publish to '" + subject + "' refused: " + description, WRONG_LAST_SEQUENCE, cause);
	}

}
