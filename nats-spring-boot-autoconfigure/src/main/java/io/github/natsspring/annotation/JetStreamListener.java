package io.github.natsspring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

import io.github.natsspring.aot.ListenerMethodReflectiveProcessor;
import io.github.natsspring.listener.ListenerAnnotation;

/**
 * Marks a bean method as the handler of a JetStream consumer: a durable pull consumer with explicit acks (or, with
 * {@link #ordered()}, an ordered consumer for replay and projections).
 * <p>
 * The consumer is the one declared under {@code nats.jetstream.streams.<stream>.consumers.<consumer>} when there is
 * one; the consumer attributes of this annotation (filter subjects, deliver policy, ack wait, max deliver, backoff,
 * max ack pending) are merged with it, and create or update the consumer through the reconciler when it is not
 * declared in configuration. Our defaults: ack policy explicit, the method called at most
 * {@code nats.jetstream.listener.max-deliver} (5) times per message, retries spaced by
 * {@code nats.jetstream.listener.nak-delay}.
 * <p>
 * Parameters are resolved by type and annotation: the payload (converted like {@code @NatsListener} payloads;
 * {@code @Valid} validates it), {@link io.nats.client.Message}, {@code @Header} values (including the JetStream
 * metadata keys of {@link io.github.natsspring.core.NatsHeaders}),
 * {@link io.github.natsspring.jetstream.listener.JetStreamMetadata} and, with {@code ackMode = "manual"}, an
 * {@link io.github.natsspring.jetstream.listener.Acknowledgment}.
 * <p>
 * Acks: in the default {@code auto} mode a message is acknowledged after the method returned, never before. A thrown
 * exception makes the message come again after a delay; conversion and validation failures and the
 * {@link #nonRetryable()} exceptions go to the dead-letter subject on the first delivery, every other failure on the
 * last allowed delivery. A dead letter is stored (JetStream publish, acknowledged by the server) before the original
 * is terminated; if it cannot be stored, the original is delivered again later: never lost.
 * <p>
 * Every attribute but {@link #nonRetryable()} accepts {@code ${...}} placeholders.
 *
 * <pre>{@code
 * @JetStreamListener(stream = "ORDERS", consumer = "billing", filterSubjects = "orders.created", concurrency = "4")
 * void onOrder(Order order, JetStreamMetadata metadata) { ... }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(ListenerMethodReflectiveProcessor.class)
@ListenerAnnotation
public @interface JetStreamListener {

	/**
	 * The stream to consume.
	 * @return the stream name
	 */
	String stream();

	/**
	 * Durable name of the pull consumer. Required unless {@link #ordered()}.
	 * @return the durable name
	 */
	String consumer() default "";

	/**
	 * How many messages may be handled at once; the workers share the one durable consumer. With 1 (the default)
	 * messages are handled one after another in stream order (redeliveries aside). Not with {@link #ordered()}.
	 * @return the concurrency
	 */
	String concurrency() default "1";

	/**
	 * Subjects of the stream this consumer receives; more than one needs nats-server 2.10. Empty: every subject of
	 * the stream (or what the consumer declaration says).
	 * @return the filter subjects
	 */
	String[] filterSubjects() default {};

	/**
	 * Where a new consumer starts: {@code all}, {@code last}, {@code new}, {@code last-per-subject},
	 * {@code by-start-sequence} (with {@link #startSequence()}) or {@code by-start-time} (with
	 * {@link #startTime()}). Cannot change once the consumer exists.
	 * @return the deliver policy
	 */
	String deliverPolicy() default "";

	/**
	 * First stream sequence delivered, with deliver policy {@code by-start-sequence}.
	 * @return the start sequence
	 */
	String startSequence() default "";

	/**
	 * Time delivery starts at (ISO-8601, for example {@code 2024-01-01T00:00:00Z}), with deliver policy
	 * {@code by-start-time}.
	 * @return the start time
	 */
	String startTime() default "";

	/**
	 * How long the server waits for an ack before delivering the message again, for example {@code 30s}. While the
	 * listener holds a message (waiting for a worker, or its method running) it tells the server every third of it
	 * that the message is still in progress, for {@code nats.jetstream.listener.max-in-progress} at most.
	 * @return the ack wait
	 */
	String ackWait() default "";

	/**
	 * How many times the method is called for one message at most (the listener enforces it; the consumer is
	 * declared without a server-side limit so that a message whose dead letter could not be stored comes again).
	 * Default {@code nats.jetstream.listener.max-deliver}, or the max-deliver of the consumer's declaration.
	 * @return the maximum number of deliveries
	 */
	String maxDeliver() default "";

	/**
	 * Server-side redelivery backoff of the consumer (for example {@code {"1s", "10s"}}); it applies when an ack
	 * wait expires, and its first step replaces the ack wait. Failed messages are also nak'ed with these delays unless
	 * {@link #nakDelay()} is set.
	 * @return the backoff steps
	 */
	String[] backoff() default {};

	/**
	 * How many messages may be unacknowledged at once on the consumer.
	 * @return the maximum number of pending acks
	 */
	String maxAckPending() default "";

	/**
	 * Delays before a failed message is delivered again, indexed by delivery count (the last repeats). Default: the
	 * consumer's backoff, else {@code nats.jetstream.listener.nak-delay}.
	 * @return the delays
	 */
	String[] nakDelay() default {};

	/**
	 * {@code auto} (default): the listener acks after the method returned and handles failures. {@code manual}: the
	 * method receives an {@link io.github.natsspring.jetstream.listener.Acknowledgment} and acks (or naks, terms)
	 * itself; a message it leaves unsettled is reported.
	 * @return the ack mode
	 */
	String ackMode() default "";

	/**
	 * Whether to consume with an ordered consumer (ephemeral, no acks, in stream order, recreated by the client on
	 * gaps), for replays and projections. Failed messages are retried in place, then dead-lettered.
	 * @return {@code "true"} for an ordered consumer
	 */
	String ordered() default "";

	/**
	 * How many messages one pull asks for, and the most the client holds (default
	 * {@code nats.jetstream.listener.batch-size}, else 100 or twice the concurrency when that is more; lowered to
	 * the consumer's {@code max-batch}). When neither is set the window grows up to 500 while handlers settle that
	 * many within half a second, and shrinks back when they slow down; a batch size that is set is never exceeded.
	 * Messages wait in the client until a worker is free — kept in progress, but
	 * held back from other instances: keep {@code batch-size x handling time / concurrency} below the ack wait.
	 * @return the batch size
	 */
	String batchSize() default "";

	/**
	 * Most bytes one pull asks for, for example {@code 1MB}; must exceed the largest message (a larger one is not
	 * delivered: the listener warns and pulls again after pauses). Lowered to the consumer's {@code max-bytes}.
	 * @return the maximum bytes per pull
	 */
	String maxBytes() default "";

	/**
	 * How long one pull request stays open at the server (at least {@code 1s}; default
	 * {@code nats.jetstream.listener.expires}; lowered to the consumer's {@code max-expires}).
	 * @return the pull expiry
	 */
	String expires() default "";

	/**
	 * Whether failed messages are dead-lettered ({@code "true"}, the default of
	 * {@code nats.jetstream.listener.dead-letter.enabled}); with {@code "false"} they are terminated and logged.
	 * @return whether to dead-letter
	 */
	String deadLetter() default "";

	/**
	 * Subject dead letters are published to; a stream must capture it. Default
	 * {@code <dead-letter.subject-prefix>.<stream>.<consumer>}, captured by the dead-letter stream the listener
	 * declares.
	 * @return the dead-letter subject
	 */
	String deadLetterSubject() default "";

	/**
	 * Exceptions retrying cannot fix: a message whose handling throws one of these (or a subclass, also as a cause)
	 * is dead-lettered on its first delivery. Conversion and validation failures always are.
	 * @return the exception types
	 */
	Class<? extends Throwable>[] nonRetryable() default {};

	/**
	 * De-duplication of handled messages in a key-value bucket ({@code nats.jetstream.listener.dedupe.*}), so that
	 * a handler that succeeded is not run again when the process died before the ack: {@code none} (default),
	 * {@code sequence} (by stream sequence and the time the stream stored the message) or {@code message-id} (by the
	 * {@code Nats-Msg-Id} / {@code Message-Id} header, falling back to the sequence). The listener does not start
	 * without its bucket.
	 * @return the de-duplication mode
	 */
	String dedupe() default "";

	/**
	 * Subject the method's non-null return value is published to, before the message is acked. Published with
	 * JetStream (storage acknowledged) when a stream captures the subject, otherwise with core NATS.
	 * @return the subject for results
	 */
	String sendTo() default "";

	/**
	 * Id of the listener (for logs, health and metrics); defaults to {@code beanName.methodName}.
	 * @return the id
	 */
	String id() default "";

	/**
	 * Whether the listener starts with the application ({@code "true"} by default).
	 * @return whether to start automatically
	 */
	String autoStartup() default "";

}
