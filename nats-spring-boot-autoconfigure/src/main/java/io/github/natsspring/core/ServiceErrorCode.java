package io.github.natsspring.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an exception type with the service error code a request fails with when a handler throws it, and
 * whether its message may be shown to the caller.
 *
 * <pre>{@code
 * @ServiceErrorCode(404)
 * class InvoiceNotFoundException extends RuntimeException { ... }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ServiceErrorCode {

	/**
	 * The error code, HTTP-like by convention.
	 * @return the code
	 */
	int value();

	/**
	 * Whether the exception message is sent to the caller as the error description; otherwise a generic text
	 * for the code is sent.
	 * @return whether to expose the message
	 */
	boolean exposeMessage() default true;

}
