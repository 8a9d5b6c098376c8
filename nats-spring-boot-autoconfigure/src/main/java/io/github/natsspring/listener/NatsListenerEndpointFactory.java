package io.github.natsspring.listener;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

/**
 * Turns methods carrying one annotation type into endpoints. Each annotation (@NatsListener, @JetStreamListener,
 * @KvWatch) contributes a factory bean; the {@link NatsListenerAnnotationBeanPostProcessor} finds the methods.
 *
 * @param <A> the annotation type
 */
public interface NatsListenerEndpointFactory<A extends Annotation> {

	/**
	 * The annotation this factory handles.
	 * @return the annotation type
	 */
	Class<A> getAnnotationType();

	/**
	 * Creates the endpoint for one annotated method, checking its signature. Must not do I/O.
	 * @param bean the bean
	 * @param beanName the bean's name
	 * @param method the annotated method (invocable on the bean)
	 * @param annotation the merged annotation
	 * @param context resolves placeholders and gives access to shared infrastructure
	 * @return the endpoint
	 * @throws IllegalStateException if the method cannot be served, with a message naming it
	 */
	NatsListenerEndpoint createEndpoint(Object bean, String beanName, Method method, A annotation,
			ListenerContext context);

}
