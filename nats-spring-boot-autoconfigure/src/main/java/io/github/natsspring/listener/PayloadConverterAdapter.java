package io.github.natsspring.listener;

import java.lang.reflect.Type;

import io.nats.client.Message;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.SmartMessageConverter;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsMessageConverter;

/**
 * Lets spring-messaging's payload resolution use the {@link NatsMessageConverter}, with the parameter's generic
 * type ({@code List<Invoice>}) as the target. The NATS headers come from the native message in the
 * {@link NatsHeaders#NATIVE_MESSAGE} header; without one (a KV entry) the converter gets none.
 */
public final class PayloadConverterAdapter implements SmartMessageConverter {

	private final NatsMessageConverter converter;

	public PayloadConverterAdapter(NatsMessageConverter converter) {
		this.converter = converter;
	}

	@Override
	public Object fromMessage(org.springframework.messaging.Message<?> message, Class<?> targetClass) {
		return fromMessage(message, targetClass, null);
	}

	@Override
	public Object fromMessage(org.springframework.messaging.Message<?> message, Class<?> targetClass,
			Object conversionHint) {
		Type target = targetClass;
		if (conversionHint instanceof MethodParameter parameter) {
			if (org.springframework.messaging.Message.class.isAssignableFrom(parameter.getParameterType())) {
				// a Message<T> parameter: the payload type is T
				target = ResolvableType.forMethodParameter(parameter).getGeneric(0).getType();
			}
			else {
				target = parameter.nestedIfOptional().getNestedGenericParameterType();
			}
		}
		Object nativeMessage = message.getHeaders().get(NatsHeaders.NATIVE_MESSAGE);
		io.nats.client.impl.Headers headers = (nativeMessage instanceof Message nats) ? nats.getHeaders() : null;
		return this.converter.fromPayload((byte[]) message.getPayload(), headers, target);
	}

	@Override
	public org.springframework.messaging.Message<?> toMessage(Object payload, MessageHeaders headers) {
		throw new UnsupportedOperationException("Outgoing messages are written by the NatsMessageConverter");
	}

	@Override
	public org.springframework.messaging.Message<?> toMessage(Object payload, MessageHeaders headers,
			Object conversionHint) {
		throw new UnsupportedOperationException("Outgoing messages are written by the NatsMessageConverter");
	}

}
