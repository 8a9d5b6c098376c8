package io.github.natsspring.micro;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.stereotype.Component;

/**
 * Makes a bean a service on the NATS service protocol (ADR-32): its {@link NatsEndpoint @NatsEndpoint} methods
 * answer requests, and the service answers discovery requests ({@code $SRV.PING}, {@code $SRV.INFO},
 * {@code $SRV.STATS}, also per name and per instance id) as {@code nats micro ls} and {@code nats micro stats} expect.
 * A {@link Component @Component} stereotype: classes carrying it are picked up by component scanning.
 * <p>
 * Each running application is one instance of the service with its own id; instances of the same service share the
 * endpoints' queue groups, so each request is answered by one of them. Attributes accept {@code ${...}}
 * placeholders.
 *
 * <pre>{@code
 * @NatsService(name = "billing", version = "1.2.0", description = "Invoices and payments",
 *         groups = @EndpointGroup(name = "invoice", subject = "billing.invoice"))
 * class BillingService {
 *
 *     @NatsEndpoint(group = "invoice", subject = "get")   // billing.invoice.get, queue group "q"
 *     Invoice get(InvoiceRequest request) { ... }
 *
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface NatsService {

	/**
	 * Value of a {@code queueGroup} attribute that subscribes without a queue group, so that every instance receives
	 * every request (and the caller gets the first answer).
	 */
	String NO_QUEUE_GROUP = "#none";

	/**
	 * The queue group endpoints use when neither they, their group nor their service name one.
	 */
	String DEFAULT_QUEUE_GROUP = "q";

	/**
	 * Name of the service, shared by all its instances: letters, digits, {@code -} and {@code _}.
	 * @return the service name
	 */
	String name();

	/**
	 * Version of the service, a semantic version such as {@code 1.4.0}.
	 * @return the version
	 */
	String version() default "0.0.0";

	/**
	 * What the service does, shown by discovery ({@code $SRV.INFO}).
	 * @return the description
	 */
	String description() default "";

	/**
	 * Metadata of the service as {@code key=value} entries, shown by discovery.
	 * @return the metadata
	 */
	String[] metadata() default {};

	/**
	 * Queue group of the service's endpoints unless a group or endpoint names another; empty means
	 * {@value #DEFAULT_QUEUE_GROUP}, {@link #NO_QUEUE_GROUP} means none.
	 * @return the queue group
	 */
	String queueGroup() default "";

	/**
	 * Endpoint groups: subject prefixes with their own queue group, referenced by {@link NatsEndpoint#group()}.
	 * @return the groups
	 */
	EndpointGroup[] groups() default {};

	/**
	 * How many requests this service handles at once (across its endpoints), as a number or placeholder; empty
	 * means {@code nats.micro.concurrency}. Further requests wait in the client until a handler is free.
	 * @return the concurrency
	 */
	String concurrency() default "";

}
