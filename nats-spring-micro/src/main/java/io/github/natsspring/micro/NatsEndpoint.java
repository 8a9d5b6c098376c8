package io.github.natsspring.micro;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

import io.github.natsspring.aot.ListenerMethodReflectiveProcessor;

/**
 * Marks a method of a {@link NatsService @NatsService} bean as an endpoint: it answers the requests sent to its
 * subject.
 * <p>
 * Parameters are resolved by type and annotation: the request body (converted to {@code byte[]}, {@code String} or,
 * from JSON, to any type; {@code @Valid} validates it when a Validator is present), {@link io.nats.client.Message},
 * {@code @Header("name")} values and {@code @Header(NatsHeaders.SUBJECT)} for the subject the request came on. The
 * return value is the reply ({@code void} and {@code null} reply with an empty body); a
 * {@link java.util.concurrent.CompletableFuture CompletableFuture} replies when it completes.
 * <p>
 * A failure replies with the {@code Nats-Service-Error} and {@code Nats-Service-Error-Code} headers: 400 with what was
 * wrong for unreadable or invalid requests, the code of a {@link io.github.natsspring.core.NatsServiceException
 * NatsServiceException} or of an exception type marked {@link io.github.natsspring.core.ServiceErrorCode
 * @ServiceErrorCode}, otherwise 500 {@code internal error}. Attributes accept {@code ${...}} placeholders.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(ListenerMethodReflectiveProcessor.class)
public @interface NatsEndpoint {

	/**
	 * Name of the endpoint, unique within the service (letters, digits, {@code -} and {@code _}); defaults to the
	 * method name.
	 * @return the endpoint name
	 */
	String name() default "";

	/**
	 * Subject the endpoint answers on, wildcards allowed; defaults to the endpoint name. Within a
	 * {@link #group() group} it is appended to the group's subject.
	 * @return the subject
	 */
	String subject() default "";

	/**
	 * Name of one of the service's {@link NatsService#groups() groups}; empty for none.
	 * @return the group name
	 */
	String group() default "";

	/**
	 * Queue group of this endpoint; empty inherits the group's, then the service's, then
	 * {@value NatsService#DEFAULT_QUEUE_GROUP}. {@link NatsService#NO_QUEUE_GROUP} subscribes without one, so
	 * every instance receives every request.
	 * @return the queue group
	 */
	String queueGroup() default "";

	/**
	 * Metadata of the endpoint as {@code key=value} entries, shown by discovery ({@code $SRV.INFO}).
	 * @return the metadata
	 */
	String[] metadata() default {};

}
