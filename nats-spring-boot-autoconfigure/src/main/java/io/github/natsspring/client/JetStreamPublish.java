package io.github.natsspring.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * A client method that publishes to a stream and waits for the storage acknowledgement, through
 * {@link io.github.natsspring.jetstream.JetStreamOperations}.
 * <p>
 * The return type is {@link io.github.natsspring.jetstream.PublishResult}, {@code void}, or
 * {@code CompletableFuture<PublishResult>} to not block. A {@link io.nats.client.PublishOptions} parameter carries
 * expectations per call; {@code @Header("Nats-Msg-Id")} sets the de-duplication id. Failures are the template's
 * exceptions ({@link io.github.natsspring.jetstream.JetStreamNoStreamException},
 * {@link io.github.natsspring.jetstream.JetStreamAckTimeoutException}, ...).
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface JetStreamPublish {

	/**
	 * Alias for {@link #subject()}.
	 * @return the subject
	 */
	@AliasFor("subject")
	String value() default "";

	/**
	 * Subject to publish to (a stream must capture it), appended to the {@link NatsExchange#subject() prefix} of
	 * the interface. May hold {@code ${...}} placeholders and {@code {name}} variables filled from
	 * {@link org.springframework.messaging.handler.annotation.DestinationVariable @DestinationVariable} parameters.
	 * @return the subject
	 */
	@AliasFor("value")
	String subject() default "";

	/**
	 * How long to wait for the acknowledgement ({@code 2s}, {@code 500ms}, ISO-8601); empty means
	 * {@code nats.jetstream.publish.timeout}. Not combinable with a {@code PublishOptions} parameter, whose stream
	 * timeout applies instead.
	 * @return the timeout
	 */
	String timeout() default "";

	/**
	 * Headers sent with every message of this method, as {@code name=value}.
	 * @return the headers
	 */
	String[] headers() default {};

}
