package io.github.natsspring.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * A client method that publishes a core NATS message (fire and forget) through
 * {@link io.github.natsspring.core.NatsOperations}. The method returns {@code void}.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NatsPublish {

	/**
	 * Alias for {@link #subject()}.
	 * @return the subject
	 */
	@AliasFor("subject")
	String value() default "";

	/**
	 * Subject to publish to, appended to the {@link NatsExchange#subject() prefix} of the interface. May hold
	 * {@code ${...}} placeholders and {@code {name}} variables filled from
	 * {@link org.springframework.messaging.handler.annotation.DestinationVariable @DestinationVariable} parameters.
	 * @return the subject
	 */
	@AliasFor("value")
	String subject() default "";

	/**
	 * Headers sent with every message of this method, as {@code name=value}.
	 * @return the headers
	 */
	String[] headers() default {};

}
