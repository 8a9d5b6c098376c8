package io.github.natsspring.aot;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.ReflectiveProcessor;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;

/**
 * What a native image needs for a method annotated with {@code @NatsListener}, {@code @JetStreamListener},
 * {@code @KvWatch} or {@code @NatsEndpoint}: the method itself (it is found and invoked reflectively), and the
 * payload and return types, which the message converter reads and writes as JSON. Spring's AOT processing applies it
 * to every bean class, through the {@code @Reflective} on those annotations.
 * <p>
 * Types of NATS, Spring and the JDK, and headers, are not bound from JSON and get no hints. Payloads that are not in
 * a listener's signature (a {@code Message<?>} converted by hand, a {@code KvView}'s value type) need
 * {@code @RegisterReflectionForBinding} on a configuration class.
 */
public class ListenerMethodReflectiveProcessor implements ReflectiveProcessor {

	/** Where the types the starter passes by type live (metadata, acknowledgments, message context). */
	private static final List<String> STARTER_PACKAGES = List.of("io.github.natsspring.core.",
			"io.github.natsspring.jetstream.", "io.github.natsspring.kv.", "io.github.natsspring.listener.",
			"io.github.natsspring.micro.", "io.github.natsspring.objectstore.");

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	public void registerReflectionHints(ReflectionHints hints, AnnotatedElement element) {
		if (!(element instanceof Method method)) {
			return;
		}
		hints.registerMethod(method, ExecutableMode.INVOKE);
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			MergedAnnotations annotations = MergedAnnotations.from(parameter.getParameterAnnotations());
			if (!annotations.isPresent(Header.class) && !annotations.isPresent(Headers.class)) {
				registerBinding(hints, parameter.getGenericParameterType(), parameter.getParameterType());
			}
		}
		registerBinding(hints, method.getGenericReturnType(), method.getReturnType());
	}

	private void registerBinding(ReflectionHints hints, Type type, Class<?> rawType) {
		if (rawType.isPrimitive() || rawType == void.class || isBrokerOrFramework(rawType)) {
			return;
		}
		// JDK containers (List<Invoice>, CompletionStage<Reply>) get no members, their type arguments do
		this.bindingRegistrar.registerReflectionHints(hints, type);
	}

	private static boolean isBrokerOrFramework(Class<?> type) {
		String name = type.getName();
		return name.startsWith("io.nats.") || name.startsWith("org.springframework.")
				|| name.startsWith("tools.jackson.") || STARTER_PACKAGES.stream().anyMatch(name::startsWith);
	}

}
