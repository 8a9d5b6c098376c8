package io.github.natsspring.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks an interface as a typed NATS client: each of its methods sends a request ({@link NatsRequest}), a core
 * message ({@link NatsPublish}) or a JetStream message ({@link JetStreamPublish}). {@link ImportNatsClients} finds
 * such interfaces and registers a bean for each, a proxy built and checked at startup.
 *
 * <pre>{@code
 * @NatsExchange("billing")
 * interface BillingClient {
 *
 *     @NatsRequest("cmd.invoice.create")
 *     Invoice create(CreateInvoice command);
 *
 *     @NatsRequest(subject = "qry.invoice.by_id", timeout = "2s")
 *     CompletableFuture<InvoiceView> byId(String id);
 *
 * }
 * }</pre>
 * All attributes accept {@code ${...}} placeholders.
 */
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NatsExchange {

	/**
	 * Alias for {@link #subject()}.
	 * @return the subject prefix
	 */
	@AliasFor("subject")
	String value() default "";

	/**
	 * Subject prefix of every method: {@code "billing"} with a method subject of {@code "cmd.invoice.create"} sends
	 * to {@code billing.cmd.invoice.create}. Empty means the methods name whole subjects.
	 * @return the subject prefix
	 */
	@AliasFor("value")
	String subject() default "";

	/**
	 * Default timeout of the interface's requests ({@code 2s}, {@code 500ms}, ISO-8601); empty means
	 * {@code nats.request-timeout}.
	 * @return the timeout
	 */
	String timeout() default "";

	/**
	 * Headers sent with every message of the interface, as {@code name=value}.
	 * @return the headers
	 */
	String[] headers() default {};

}
