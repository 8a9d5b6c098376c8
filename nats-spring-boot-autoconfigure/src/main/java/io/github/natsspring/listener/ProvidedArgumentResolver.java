package io.github.natsspring.listener;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;

/**
 * Resolves a parameter by its type to something the listener provides (the jnats message, an ack handle, a KV
 * entry). Listing these lets a bad signature fail at startup with the types that are available.
 */
public interface ProvidedArgumentResolver extends HandlerMethodArgumentResolver {

	/**
	 * The type this resolver provides.
	 * @return the type
	 */
	Class<?> getProvidedType();

	/**
	 * The header key of the spring-messaging message under which the listener puts what this resolver provides, so
	 * that it can be read without building that message.
	 * @return the key, or {@code null} if the resolver needs the whole message
	 */
	default String attributeName() {
		return null;
	}

	@Override
	default boolean supportsParameter(MethodParameter parameter) {
		return getProvidedType().isAssignableFrom(parameter.getParameterType());
	}

}
