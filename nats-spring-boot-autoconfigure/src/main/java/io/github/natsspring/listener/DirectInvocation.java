package io.github.natsspring.listener;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;

import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.ValueConstants;
import org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException;
import org.springframework.util.ClassUtils;
import org.springframework.util.ObjectUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.SmartValidator;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.ValidationAnnotationUtils;

import io.github.natsspring.core.NatsMessageConverter;

/**
 * Calls a listener method without spring-messaging's per-message machinery, for the signatures almost every
 * listener has: a payload (converted and validated as {@code @Payload} would be), the jnats message, the types the
 * listener provides, {@code @Header} strings. The plan is made once per method; per message it reads each argument
 * straight from the {@link InboundMessage} and calls the method. Whatever the plan does not cover exactly as
 * Spring's resolvers would — an empty payload, a missing header, a payload the converter returned nothing for —
 * it leaves to the full resolution ({@link Fallback}), so behaviour and errors stay the same.
 */
final class DirectInvocation {

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private final Object bean;

	private final Method method;

	private final Argument[] arguments;

	private DirectInvocation(Object bean, Method method, Argument[] arguments) {
		this.bean = bean;
		this.method = method;
		this.arguments = arguments;
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * Plans the direct invocation of a method.
	 * @return the plan, or {@code null} when a parameter needs Spring's full resolution
	 */
	static DirectInvocation plan(Object bean, Method method, List<ProvidedArgumentResolver> provided,
			NatsMessageConverter converter, Validator validator) {
		Method bridged = BridgeMethodResolver.findBridgedMethod(method);
		Argument[] arguments = new Argument[bridged.getParameterCount()];
		for (int i = 0; i < arguments.length; i++) {
			MethodParameter parameter = new MethodParameter(bridged, i);
			parameter.initParameterNameDiscovery(PARAMETER_NAMES);
			Argument argument = plan(parameter, provided, converter, validator);
			if (argument == null) {
				return null;
			}
			arguments[i] = argument;
		}
		return new DirectInvocation(bean, bridged, arguments);
	}

	private static Argument plan(MethodParameter parameter, List<ProvidedArgumentResolver> provided,
			NatsMessageConverter converter, Validator validator) {
		// in the order of the resolvers in ListenerContext: provided types, @Header, @Headers, Message, payload
		for (ProvidedArgumentResolver resolver : provided) {
			if (resolver.supportsParameter(parameter)) {
				if (resolver instanceof NativeMessageArgumentResolver) {
					return InboundMessage::message;
				}
				String attribute = resolver.attributeName();
				return (attribute != null) ? (inbound) -> inbound.attribute(attribute) : null;
			}
		}
		Header header = parameter.getParameterAnnotation(Header.class);
		if (header != null) {
			return header(parameter, header);
		}
		if (parameter.hasParameterAnnotation(Headers.class)) {
			return null;
		}
		return payload(parameter, converter, validator);
	}

	private static Argument header(MethodParameter parameter, Header header) {
		String name = StringUtils.hasText(header.value()) ? header.value() : header.name();
		boolean plain = StringUtils.hasText(name) && !name.contains("${") && !name.contains("#{")
				&& !name.equals("id") && !name.equals("timestamp") && !name.startsWith("nativeHeaders");
		if (!plain || parameter.getParameterType() != String.class || !header.required()
				|| !ValueConstants.DEFAULT_NONE.equals(header.defaultValue())) {
			return null;
		}
		return (inbound) -> {
			// anything but a present string goes through Spring's conversion service
			if (inbound.attribute(name) instanceof String value) {
				return value;
			}
			throw Fallback.INSTANCE;
		};
	}

	private static Argument payload(MethodParameter parameter, NatsMessageConverter converter, Validator validator) {
		Class<?> type = parameter.getParameterType();
		Payload annotation = parameter.getParameterAnnotation(Payload.class);
		if (annotation != null && StringUtils.hasText(annotation.expression())) {
			return null;
		}
		if (type == Optional.class || org.springframework.messaging.Message.class.isAssignableFrom(type)
				|| (type != byte[].class && ClassUtils.isAssignable(type, byte[].class))) {
			// Optional, Message<T>, and targets a byte[] is already (Object): Spring's own rules apply
			return null;
		}
		Type target = parameter.getNestedGenericParameterType();
		// resolved once per listener, not per message
		NatsMessageConverter.PayloadReader reader = (type != byte[].class) ? converter.readerFor(target) : null;
		Validation validation = Validation.of(parameter, validator);
		return (inbound) -> {
			byte[] data = inbound.message().getData();
			if (data == null || data.length == 0) {
				throw Fallback.INSTANCE;
			}
			Object payload = (reader == null) ? data : reader.read(data, inbound.message().getHeaders());
			if (payload == null) {
				throw Fallback.INSTANCE;
			}
			if (validation != null) {
				validation.validate(inbound, payload);
			}
			return payload;
		};
	}

	/**
	 * Calls the method.
	 * @param inbound the message
	 * @return what the method returned
	 * @throws Fallback when an argument needs Spring's full resolution
	 * @throws Exception what the method threw, as spring-messaging's {@code InvocableHandlerMethod} would
	 */
	Object invoke(InboundMessage inbound) throws Exception {
		Object[] values = new Object[this.arguments.length];
		for (int i = 0; i < values.length; i++) {
			values[i] = this.arguments[i].resolve(inbound);
		}
		try {
			return this.method.invoke(this.bean, values);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Could not invoke " + this.method.toGenericString() + ": " + ex.getMessage(),
					ex);
		}
		catch (InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (target instanceof Error error) {
				throw error;
			}
			if (target instanceof Exception exception) {
				throw exception;
			}
			throw new IllegalStateException("Invocation failure of " + this.method.toGenericString(), target);
		}
	}

	/** Reads one argument. */
	@FunctionalInterface
	private interface Argument {

		Object resolve(InboundMessage inbound) throws Exception;

	}

	/**
	 * Thrown while reading arguments (before the method runs) when this message needs Spring's full resolution.
	 */
	static final class Fallback extends Exception {

		static final Fallback INSTANCE = new Fallback();

		private Fallback() {
			super("argument needs full resolution", null, false, false);
		}

	}

	/**
	 * Validates a payload the way spring-messaging's payload resolver does ({@code @Valid}, {@code @Validated} and
	 * their hints).
	 */
	private record Validation(MethodParameter parameter, Validator validator, Object[] hints) {

		static Validation of(MethodParameter parameter, Validator validator) {
			if (validator == null) {
				return null;
			}
			for (Annotation annotation : parameter.getParameterAnnotations()) {
				Object[] hints = ValidationAnnotationUtils.determineValidationHints(annotation);
				if (hints != null) {
					return new Validation(parameter, validator, hints);
				}
			}
			return null;
		}

		void validate(InboundMessage inbound, Object payload) {
			String name = (this.parameter.getParameterName() != null) ? this.parameter.getParameterName()
					: "Arg " + this.parameter.getParameterIndex();
			BeanPropertyBindingResult result = new BeanPropertyBindingResult(payload, name);
			if (!ObjectUtils.isEmpty(this.hints) && this.validator instanceof SmartValidator smart) {
				smart.validate(payload, result, this.hints);
			}
			else {
				this.validator.validate(payload, result);
			}
			if (result.hasErrors()) {
				throw new MethodArgumentNotValidException(inbound.toSpringMessage(), this.parameter, result);
			}
		}

	}

}
