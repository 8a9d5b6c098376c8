package io.github.natsspring.kv.watch;

import java.lang.reflect.Method;
import java.util.Optional;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.support.PayloadMethodArgumentResolver;
import org.springframework.validation.Validator;

import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.listener.PayloadConverterAdapter;
import io.github.natsspring.listener.ProvidedArgumentResolver;

/**
 * The arguments a {@code @KvWatch} method gets from the entry: the entry and the operation by type, and the value
 * for its one value parameter.
 */
final class KvArgumentResolvers {

	private KvArgumentResolvers() {
	}

	/** Resolves {@link KeyValueEntry} parameters. */
	static final class EntryResolver implements ProvidedArgumentResolver {

		@Override
		public Class<?> getProvidedType() {
			return KeyValueEntry.class;
		}

		@Override
		public Object resolveArgument(MethodParameter parameter, Message<?> message) {
			return message.getHeaders().get(KvHeaders.ENTRY);
		}

	}

	/** Resolves {@link KeyValueOperation} parameters. */
	static final class OperationResolver implements ProvidedArgumentResolver {

		@Override
		public Class<?> getProvidedType() {
			return KeyValueOperation.class;
		}

		@Override
		public Object resolveArgument(MethodParameter parameter, Message<?> message) {
			return message.getHeaders().get(KvHeaders.OPERATION);
		}

	}

	/**
	 * Resolves the value parameter: {@code null} (or {@code Optional.empty()}) when the entry has no value (delete,
	 * purge, metadata only), an empty {@code String} or {@code byte[]} for an empty value, otherwise the value
	 * converted by the {@link NatsMessageConverter} and validated like a payload ({@code @Valid}).
	 */
	static final class ValueResolver implements ProvidedArgumentResolver {

		private final Method method;

		private final int index;

		private final Class<?> type;

		private final PayloadMethodArgumentResolver delegate;

		ValueResolver(Method method, int index, NatsMessageConverter converter, Validator validator) {
			this.method = method;
			this.index = index;
			this.type = method.getParameterTypes()[index];
			this.delegate = new PayloadMethodArgumentResolver(new PayloadConverterAdapter(converter), validator);
		}

		@Override
		public Class<?> getProvidedType() {
			return this.type;
		}

		@Override
		public boolean supportsParameter(MethodParameter parameter) {
			return parameter.getParameterIndex() == this.index && this.method.equals(parameter.getMethod());
		}

		@Override
		public Object resolveArgument(MethodParameter parameter, Message<?> message) throws Exception {
			KeyValueEntry entry = (KeyValueEntry) message.getHeaders().get(KvHeaders.ENTRY);
			boolean optional = parameter.getParameterType() == Optional.class;
			byte[] value = (entry != null) ? entry.getValue() : null;
			if (entry == null || entry.getOperation() != KeyValueOperation.PUT || value == null) {
				return optional ? Optional.empty() : null;
			}
			if (value.length == 0) {
				Class<?> target = parameter.nestedIfOptional().getNestedParameterType();
				Object empty = (target == String.class) ? "" : (target == byte[].class) ? value : null;
				return optional ? Optional.ofNullable(empty) : empty;
			}
			return this.delegate.resolveArgument(parameter, message);
		}

	}

}
