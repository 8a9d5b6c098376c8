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
 * Marks a bean method as the handler of a core NATS subscription.
 * <p>
 * Parameters are resolved by type and annotation: the payload (converted from JSON, or {@code String} /
 * {@code byte[]}; {@code @Valid} validates it), {@link io.nats.client.Message}, {@code @Header("name")} values
 * and {@code @Header(NatsHeaders.SUBJECT)} for the subject. A non-void return value is sent to the reply subject
 * when the message is a request; a failure is logged and, for a request, answered with
 * {@code Nats-Service-Error} headers, so callers never wait in silence. Attributes accept {@code ${...}}
 * placeholders.
 *
 * <pre>{@code
 * @NatsListener(subject = "orders.created", queue = "billing")
 * void onOrder(Order order, @Header(NatsHeaders.SUBJECT) String subject) { ... }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(ListenerMethodReflectiveProcessor.class)
@ListenerAnnotation
public @interface NatsListener {

	/**
	 * Subject to subscribe to; wildcards allowed ({@code orders.*}, {@code orders.>}).
	 * @return the subject
	 */
	String subject();

	/**
	 * Queue group: subscribers sharing it split the messages, each message goes to one of them.
	 * Empty means every subscriber gets every message.
	 * @return the queue group
	 */
	String queue() default "";

	/**
	 * How many messages may be handled at once, as a number or placeholder. With 1 (the default) messages are
	 * handled one after another in arrival order.
	 * @return the concurrency
	 */
	String concurrency() default "1";

	/**
	 * Id of the listener (for logs and health); defaults to {@code beanName.methodName}.
	 * @return the id
	 */
	String id() default "";

	/**
	 * Whether the listener starts with the application ({@code "true"} or {@code "false"}, or a placeholder).
	 * @return whether to start automatically
	 */
	String autoStartup() default "true";

}
