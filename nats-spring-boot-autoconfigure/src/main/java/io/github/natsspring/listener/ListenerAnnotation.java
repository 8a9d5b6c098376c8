package io.github.natsspring.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an annotation type as a NATS listener annotation, so the
 * {@link NatsListenerAnnotationBeanPostProcessor} notices beans that use it without creating any factory early.
 */
@Target(ElementType.ANNOTATION_TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ListenerAnnotation {

}
