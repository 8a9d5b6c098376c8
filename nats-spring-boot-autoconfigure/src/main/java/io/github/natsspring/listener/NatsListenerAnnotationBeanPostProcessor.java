package io.github.natsspring.listener;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ReflectionUtils;

/**
 * Finds beans with methods carrying a listener annotation (any annotation marked {@link ListenerAnnotation}) and,
 * once all singletons exist, turns those methods into endpoints with the matching
 * {@link NatsListenerEndpointFactory} and hands them to the {@link NatsListenerEndpointRegistry}. Collecting does no
 * I/O; containers start later, once the connection is up. Deferring endpoint creation keeps the post-processor
 * from creating factories (and their dependencies) while other beans are still being built.
 */
public class NatsListenerAnnotationBeanPostProcessor extends DeferredAnnotationBeanPostProcessor {

	@Override
	protected boolean isCandidate(Class<?> targetClass) {
		boolean[] found = { false };
		ReflectionUtils.doWithMethods(targetClass, (method) -> found[0] = true,
				(method) -> !found[0] && MergedAnnotations.from(method)
					.stream()
					.anyMatch((annotation) -> annotation.getType().isAnnotationPresent(ListenerAnnotation.class)));
		return found[0];
	}

	@Override
	protected void process(List<Candidate> pending) {
		List<NatsListenerEndpointFactory<?>> factories = new ArrayList<>();
		getBeanFactory().getBeanProvider(NatsListenerEndpointFactory.class).orderedStream().forEach(factories::add);
		NatsListenerEndpointRegistry registry = getBeanFactory().getBean(NatsListenerEndpointRegistry.class);
		ListenerContext context = getBeanFactory().getBean(ListenerContext.class);
		Set<Class<?>> handled = new java.util.HashSet<>();
		factories.forEach((factory) -> handled.add(factory.getAnnotationType()));
		for (Candidate candidate : pending) {
			rejectUnhandledAnnotations(candidate, handled);
			for (NatsListenerEndpointFactory<?> factory : factories) {
				collect(candidate, factory, registry, context);
			}
		}
	}

	/**
	 * A listener annotation nobody handles (its auto-configuration excluded, a module missing) would otherwise be
	 * ignored in silence: the method would simply never be called.
	 */
	private static void rejectUnhandledAnnotations(Candidate candidate, Set<Class<?>> handled) {
		ReflectionUtils.doWithMethods(candidate.targetClass(), (method) -> MergedAnnotations.from(method)
			.stream()
			.map((annotation) -> annotation.getType())
			.filter((type) -> type.isAnnotationPresent(ListenerAnnotation.class) && !handled.contains(type))
			.findFirst()
			.ifPresent((type) -> {
				throw new InvalidListenerMethodException("@" + type.getSimpleName() + " on "
						+ ListenerContext.describe(method) + " is not handled by any listener infrastructure: is its "
						+ "auto-configuration excluded, or a module missing from the classpath?", null);
			}));
	}

	private <A extends Annotation> void collect(Candidate candidate, NatsListenerEndpointFactory<A> factory,
			NatsListenerEndpointRegistry registry, ListenerContext context) {
		Class<A> annotationType = factory.getAnnotationType();
		Map<Method, A> annotated = MethodIntrospector.selectMethods(candidate.targetClass(),
				(MethodIntrospector.MetadataLookup<A>) (method) -> AnnotatedElementUtils.findMergedAnnotation(method,
						annotationType));
		for (Map.Entry<Method, A> entry : annotated.entrySet()) {
			Method invocable = AopUtils.selectInvocableMethod(entry.getKey(), candidate.bean().getClass());
			try {
				registry.registerEndpoint(factory.createEndpoint(candidate.bean(), candidate.beanName(), invocable,
						entry.getValue(), context));
			}
			catch (IllegalStateException | IllegalArgumentException ex) {
				throw new InvalidListenerMethodException(ex.getMessage(), ex);
			}
		}
	}

}
