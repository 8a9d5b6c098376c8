package io.github.natsspring.coordination.leader;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits a method to the instance that leads a role ({@code nats.coordination.leader.<role>}; a role named here
 * needs no configuration of its own).
 * <ul>
 * <li>On a {@code @NatsListener}, {@code @JetStreamListener} or {@code @KvWatch} method, the listener runs only on
 * the leader: it is started when leadership is granted and stopped (finishing in-flight messages) when it is
 * revoked. Declare it with {@code autoStartup = "false"}, so that no instance starts it with the application;
 * startup fails otherwise.</li>
 * <li>On any other method of a bean (a {@code @Scheduled} one, for example), a call on an instance that does not
 * lead the role is skipped: the method is not invoked and the call returns {@code null} ({@code Optional.empty()}
 * for an {@code Optional}). Such methods must not return a primitive.</li>
 * </ul>
 *
 * <pre>{@code
 * @Scheduled(fixedDelay = 60_000)
 * @NatsLeaderOnly("invoicing")
 * void closeDueInvoices() { ... }
 *
 * @NatsLeaderOnly("invoicing")
 * @JetStreamListener(stream = "BILLING", consumer = "exports", autoStartup = "false")
 * void export(InvoiceEvent event) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NatsLeaderOnly {

	/**
	 * The role: letters, digits, '-' and '_'; placeholders are resolved.
	 * @return the role
	 */
	String value();

}
