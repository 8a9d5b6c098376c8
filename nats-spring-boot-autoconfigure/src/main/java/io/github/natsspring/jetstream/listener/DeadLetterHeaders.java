package io.github.natsspring.jetstream.listener;

/**
 * Headers a dead letter carries besides the original message's headers. The payload is the original payload.
 */
public final class DeadLetterHeaders {

	/** The stream the message came from. */
	public static final String STREAM = "Dead-Letter-Stream";

	/** The consumer that could not handle it (the listener id for ordered consumers). */
	public static final String CONSUMER = "Dead-Letter-Consumer";

	/** The subject it was published to. */
	public static final String SUBJECT = "Dead-Letter-Subject";

	/** Its sequence in the stream. */
	public static final String STREAM_SEQUENCE = "Dead-Letter-Stream-Sequence";

	/** How many times it had been delivered. */
	public static final String DELIVERY_COUNT = "Dead-Letter-Delivery-Count";

	/** Why it was dead-lettered: {@code non-retryable}, {@code max-deliver} or {@code max-deliver-exceeded}. */
	public static final String REASON = "Dead-Letter-Reason";

	/** Class name of the exception of the last attempt, when there was one. */
	public static final String EXCEPTION = "Dead-Letter-Exception";

	/** Message of that exception (first 500 characters, ASCII, one line). */
	public static final String EXCEPTION_MESSAGE = "Dead-Letter-Exception-Message";

	/** When it was dead-lettered (ISO-8601). */
	public static final String TIME = "Dead-Letter-Time";

	/** The id of the listener. */
	public static final String LISTENER = "Dead-Letter-Listener";

	/** The original {@code Nats-Msg-Id}, when it had one; the dead letter gets its own id. */
	public static final String ORIGINAL_MSG_ID = "Dead-Letter-Original-Msg-Id";

	private DeadLetterHeaders() {
	}

}
