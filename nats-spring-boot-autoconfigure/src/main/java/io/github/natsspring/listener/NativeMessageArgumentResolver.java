package io.github.natsspring.listener;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;

import io.github.natsspring.core.NatsHeaders;

/**
 * Resolves parameters of type {@link io.nats.client.Message} to the jnats message being handled.
 */
public class NativeMessageArgumentResolver implements ProvidedArgumentResolver {

	@Override
	public Class<?> getProvidedType() {
		return io.nats.client.Message.class;
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, Message<?> message) {
		return message.getHeaders().get(NatsHeaders.NATIVE_MESSAGE);
	}

}
