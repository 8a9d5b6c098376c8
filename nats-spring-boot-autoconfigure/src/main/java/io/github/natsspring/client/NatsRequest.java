package io.github.natsspring.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * A client method that sends a request and waits for the reply, through
 * {@link io.github.natsspring.core.NatsOperations}.
 * <p>
 * The return type is the reply type (converted like {@code NatsTemplate} does, generic types included;
 * {@link io.nats.client.Message} for the raw reply), {@code CompletableFuture<T>} to not block, or {@code void} to
 * wait for the reply and ignore its content. Failures are the template's exceptions:
 * {@link io.github.natsspring.core.NatsServiceErrorException} for a reply with {@code Nats-Service-Error-Code},
 * {@link io.github.natsspring.core.NatsNoRespondersException},
 * {@link io.github.natsspring.core.NatsRequestTimeoutException}.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NatsRequest {

	/**
	 * Alias for {@link #subject()}.
	 * @return the subject
	 */
	@AliasFor("subject")
	String value() default "";

	/**
	 * Subject of the service, appended to the {@link NatsExchange#subject() prefix} of the interface. May hold
	 * {@code ${...}} placeholders and {@code {name}} variables filled from
	 * {@link org.springframework.messaging.handler.annotation.DestinationVariable @DestinationVariable} parameters.
	 * @return the subject
	 */
	@AliasFor("value")
	String subject() default "";

	/**
	 * How long to wait for the reply ({@code 2s}, {@code 500ms}, ISO-8601); empty means the interface's timeout,
	 * else {@code nats.request-timeout}.
	 * @return the timeout
	 */
	String timeout() default "";

	/**
	 * Headers sent with every request of this method, as {@code name=value}.
	 * @return the headers
	 */
	String[] headers() default {};

}
