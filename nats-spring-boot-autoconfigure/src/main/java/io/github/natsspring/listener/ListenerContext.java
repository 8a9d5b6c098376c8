package io.github.natsspring.listener;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.format.support.DefaultFormattingConversionService;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.support.HeaderMethodArgumentResolver;
import org.springframework.messaging.handler.annotation.support.HeadersMethodArgumentResolver;
import org.springframework.messaging.handler.annotation.support.MessageMethodArgumentResolver;
import org.springframework.messaging.handler.annotation.support.PayloadMethodArgumentResolver;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolverComposite;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.util.StringUtils;
import org.springframework.validation.Validator;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.core.NatsOperations;

/**
 * What every listener endpoint and container shares: the connection, the template for replies, payload
 * conversion and validation, placeholder resolution, threading and the shutdown timeout.
 */
public class ListenerContext {

	private final NatsConnectionManager connectionManager;

	private final NatsOperations natsOperations;

	private final NatsMessageConverter messageConverter;

	private final Validator validator;

	private final ConfigurableBeanFactory beanFactory;

	private final boolean virtualThreads;

	private final Duration shutdownTimeout;

	private final ConversionService conversionService = new DefaultFormattingConversionService();

	private ListenerMetrics metrics = ListenerMetrics.NONE;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	public ListenerContext(NatsConnectionManager connectionManager, NatsOperations natsOperations,
			NatsMessageConverter messageConverter, Validator validator, ConfigurableBeanFactory beanFactory,
			boolean virtualThreads, Duration shutdownTimeout) {
		this.connectionManager = connectionManager;
		this.natsOperations = natsOperations;
		this.messageConverter = messageConverter;
		this.validator = validator;
		this.beanFactory = beanFactory;
		this.virtualThreads = virtualThreads;
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Resolves {@code ${...}} placeholders and {@code #{...}} expressions in an annotation attribute.
	 * @param value the attribute value
	 * @return the resolved value ({@code null} stays {@code null})
	 */
	public String resolve(String value) {
		if (value == null || this.beanFactory == null) {
			return value;
		}
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		BeanExpressionResolver expressions = this.beanFactory.getBeanExpressionResolver();
		if (resolved != null && expressions != null && resolved.contains("#{")) {
			Object evaluated = expressions.evaluate(resolved, new BeanExpressionContext(this.beanFactory, null));
			return (evaluated != null) ? evaluated.toString() : null;
		}
		return resolved;
	}

	/**
	 * Resolves an attribute that holds a number, such as a concurrency of {@code "${workers:4}"}.
	 * @param value the attribute value
	 * @param defaultValue used when the value is empty
	 * @param what names the attribute in the error
	 * @return the number
	 */
	public int resolveInt(String value, int defaultValue, String what) {
		String resolved = resolve(value);
		if (!StringUtils.hasText(resolved)) {
			return defaultValue;
		}
		try {
			return Integer.parseInt(resolved.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException(what + " must be a number, got '" + resolved + "'");
		}
	}

	/**
	 * Resolves an attribute that holds a boolean, such as {@code autoStartup = "${listeners.enabled:true}"}.
	 * @param value the attribute value
	 * @param defaultValue used when the value is empty
	 * @param what names the attribute in the error
	 * @return the boolean
	 */
	public boolean resolveBoolean(String value, boolean defaultValue, String what) {
		String resolved = resolve(value);
		if (!StringUtils.hasText(resolved)) {
			return defaultValue;
		}
		return switch (resolved.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "true" -> true;
			case "false" -> false;
			default -> throw new IllegalStateException(what + " must be true or false, got '" + resolved + "'"
					+ (resolved.equals(value) ? "" : " from '" + value + "'"));
		};
	}

	/**
	 * Creates the invocable form of an annotated method and checks that every parameter can be served: at most one
	 * payload parameter, and no broker type this kind of listener does not provide.
	 * @param bean the bean
	 * @param method the method
	 * @param annotationName the annotation, for error messages (for example {@code @NatsListener})
	 * @param extraResolvers resolvers for the types this kind of listener provides
	 * @return the listener method
	 * @throws IllegalStateException with a message naming the method if the signature cannot be served
	 */
	public ListenerMethod createListenerMethod(Object bean, Method method, String annotationName,
			List<? extends ProvidedArgumentResolver> extraResolvers) {
		String description = describe(method);
		List<ProvidedArgumentResolver> specific = new ArrayList<>(extraResolvers);
		specific.add(new NativeMessageArgumentResolver());
		checkSignature(method, annotationName, description, specific);
		HandlerMethodArgumentResolverComposite resolvers = new HandlerMethodArgumentResolverComposite();
		resolvers.addResolvers(specific);
		resolvers.addResolver(new HeaderMethodArgumentResolver(this.conversionService, this.beanFactory));
		resolvers.addResolver(new HeadersMethodArgumentResolver());
		PayloadConverterAdapter converter = new PayloadConverterAdapter(this.messageConverter);
		resolvers.addResolver(new MessageMethodArgumentResolver(converter));
		resolvers.addResolver(new PayloadMethodArgumentResolver(converter, this.validator));
		InvocableHandlerMethod handlerMethod = new InvocableHandlerMethod(bean, method);
		handlerMethod.setMessageMethodArgumentResolvers(resolvers);
		DirectInvocation direct = DirectInvocation.plan(bean, method, specific, this.messageConverter, this.validator);
		return new ListenerMethod(handlerMethod, direct, description);
	}

	private void checkSignature(Method method, String annotationName, String description,
			List<ProvidedArgumentResolver> specific) {
		List<String> payloadParameters = new ArrayList<>();
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			if (parameter.hasParameterAnnotation(Header.class) || parameter.hasParameterAnnotation(Headers.class)) {
				continue;
			}
			if (specific.stream().anyMatch((resolver) -> resolver.supportsParameter(parameter))) {
				continue;
			}
			Class<?> type = parameter.getParameterType();
			if (isBrokerType(type)) {
				throw new IllegalStateException(annotationName + " method " + description + " cannot receive a "
						+ type.getName() + " (parameter " + i + "). Available by type: "
						+ availableTypes(specific) + "; other parameters are the payload or need @Header.");
			}
			payloadParameters.add(i + " (" + type.getSimpleName() + ")");
		}
		if (payloadParameters.size() > 1) {
			throw new IllegalStateException(annotationName + " method " + description
					+ " has more than one payload parameter: " + payloadParameters
					+ ". Only one parameter receives the payload; annotate the others with @Header or @Headers.");
		}
		if (AnnotatedElementUtils.hasAnnotation(method, Payload.class)) {
			throw new IllegalStateException(annotationName + " method " + description
					+ ": @Payload belongs on a parameter, not on the method");
		}
	}

	/**
	 * Whether a parameter type is a broker object (a jnats type, or one marked {@link ProvidedArgument}) that only
	 * the listener kinds providing it can serve.
	 * @param type the parameter type
	 * @return {@code true} for a broker type
	 */
	public static boolean isBrokerType(Class<?> type) {
		return type.getName().startsWith("io.nats.client.") || type.isAnnotationPresent(ProvidedArgument.class);
	}

	private static String availableTypes(List<ProvidedArgumentResolver> resolvers) {
		Set<String> names = resolvers.stream()
			.map((resolver) -> resolver.getProvidedType().getName())
			.collect(Collectors.toCollection(java.util.LinkedHashSet::new));
		return String.join(", ", names);
	}

	/**
	 * Describes a method as {@code ClassName.method(ParamType, ...)}.
	 * @param method the method
	 * @return the description
	 */
	public static String describe(Method method) {
		String parameters = java.util.Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", "));
		return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "(" + parameters + ")";
	}

	public NatsConnectionManager getConnectionManager() {
		return this.connectionManager;
	}

	public NatsOperations getNatsOperations() {
		return this.natsOperations;
	}

	public NatsMessageConverter getMessageConverter() {
		return this.messageConverter;
	}

	public Validator getValidator() {
		return this.validator;
	}

	public ConfigurableBeanFactory getBeanFactory() {
		return this.beanFactory;
	}

	public boolean isVirtualThreads() {
		return this.virtualThreads;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	/**
	 * Where containers record how each handled message went.
	 * @return the metrics, never {@code null}
	 */
	public ListenerMetrics getMetrics() {
		return this.metrics;
	}

	public void setMetrics(ListenerMetrics metrics) {
		this.metrics = (metrics != null) ? metrics : ListenerMetrics.NONE;
	}

	/**
	 * The registry for {@code nats.process} observations: wrap each handling in
	 * {@link io.github.natsspring.observation.NatsObservations#process} so traces continue from the headers.
	 * @return the registry, never {@code null}
	 */
	public ObservationRegistry getObservationRegistry() {
		return this.observationRegistry;
	}

	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = (observationRegistry != null) ? observationRegistry : ObservationRegistry.NOOP;
	}

	/**
	 * Creates workers for a container.
	 * @param name thread name prefix
	 * @param concurrency how many handlers may run at once
	 * @return the workers
	 */
	public ListenerWorkers createWorkers(String name, int concurrency) {
		return new ListenerWorkers(name, concurrency, this.virtualThreads);
	}

}
