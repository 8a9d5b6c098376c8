package io.github.natsspring.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type that listener methods receive from the listener itself (like an ack handle), never as the payload.
 * A method asking for it where that kind of listener does not provide it fails at startup.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ProvidedArgument {

}
