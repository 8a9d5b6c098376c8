package io.github.natsspring.core;

/**
 * Names of the message headers nats-spring-boot reads and writes, and of the metadata keys a listener method can
 * ask for with {@code @Header}.
 */
public final class NatsHeaders {

	/** Unique id of every message sent through the templates (the envelope id, seed §3.3). */
	public static final String MESSAGE_ID = "Message-Id";

	/** Id shared by a message and everything sent while handling it; taken over from the incoming message. */
	public static final String CORRELATION_ID = "Correlation-Id";

	/** Media type of the payload, {@code application/json} for objects sent as JSON. */
	public static final String CONTENT_TYPE = "Content-Type";

	/** JetStream de-duplication id (server-defined). */
	public static final String NATS_MSG_ID = "Nats-Msg-Id";

	/** Error text of a failed service request (NATS service protocol). */
	public static final String SERVICE_ERROR = "Nats-Service-Error";

	/** Error code of a failed service request (NATS service protocol). */
	public static final String SERVICE_ERROR_CODE = "Nats-Service-Error-Code";

	/** Metadata key: the subject the message arrived on. */
	public static final String SUBJECT = "nats_subject";

	/** Metadata key: the subject to reply to, if any. */
	public static final String REPLY_TO = "nats_replyTo";

	/** Metadata key: the jnats {@link io.nats.client.Message} itself. */
	public static final String NATIVE_MESSAGE = "nats_nativeMessage";

	/** Metadata key: the stream a JetStream message came from. */
	public static final String STREAM = "nats_stream";

	/** Metadata key: the consumer a JetStream message was delivered by. */
	public static final String CONSUMER = "nats_consumer";

	/** Metadata key: the stream sequence of a JetStream message. */
	public static final String STREAM_SEQUENCE = "nats_streamSequence";

	/** Metadata key: how many times a JetStream message has been delivered (1 on first delivery). */
	public static final String DELIVERED_COUNT = "nats_deliveredCount";

	/** Metadata key: when a JetStream message was stored. */
	public static final String TIMESTAMP = "nats_timestamp";

	private NatsHeaders() {
	}

}
