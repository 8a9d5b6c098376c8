package io.github.natsspring.micro;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A group of endpoints within a {@link NatsService @NatsService}: a subject prefix with its own queue group.
 * Endpoints join it with {@link NatsEndpoint#group()}. Attributes accept {@code ${...}} placeholders.
 *
 * <pre>{@code
 * @NatsService(name = "billing", groups = @EndpointGroup(name = "admin", subject = "billing.admin",
 *         queueGroup = NatsService.NO_QUEUE_GROUP))
 * }</pre>
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EndpointGroup {

	/**
	 * Name the endpoints refer to the group by.
	 * @return the name
	 */
	String name();

	/**
	 * Subject prefix of the group's endpoints (an endpoint subject {@code get} becomes {@code <prefix>.get});
	 * defaults to the name.
	 * @return the subject prefix
	 */
	String subject() default "";

	/**
	 * Queue group of the group's endpoints unless an endpoint names its own; empty inherits the service's,
	 * {@link NatsService#NO_QUEUE_GROUP} means none.
	 * @return the queue group
	 */
	String queueGroup() default "";

}
