package io.github.natsspring.micro;

import java.lang.reflect.Method;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

import io.github.natsspring.listener.DeferredAnnotationBeanPostProcessor;
import io.github.natsspring.listener.InvalidListenerMethodException;
import io.github.natsspring.listener.ListenerContext;

/**
 * Finds {@link NatsService @NatsService} beans and, once all singletons exist, turns each with its
 * {@link NatsEndpoint @NatsEndpoint} methods into a {@link ServiceDefinition} registered with the
 * {@link NatsServiceRegistry}. Collecting does no I/O; services start later. A {@code @NatsEndpoint} method on a bean
 * that is not a {@code @NatsService}, or a definition the protocol would refuse, fails startup with a message naming
 * the bean or method.
 */
public class NatsServiceAnnotationBeanPostProcessor extends DeferredAnnotationBeanPostProcessor {

	@Override
	protected boolean isCandidate(Class<?> targetClass) {
		return AnnotatedElementUtils.hasAnnotation(targetClass, NatsService.class) || !endpoints(targetClass).isEmpty();
	}

	private static Map<Method, NatsEndpoint> endpoints(Class<?> targetClass) {
		return MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<NatsEndpoint>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, NatsEndpoint.class));
	}

	@Override
	protected void process(List<Candidate> pending) {
		NatsServiceRegistry registry = getBeanFactory().getBean(NatsServiceRegistry.class);
		ListenerContext context = getBeanFactory().getBean(ListenerContext.class);
		ServiceDefinitionFactory factory = new ServiceDefinitionFactory(context, registry.getDefaultConcurrency());
		for (Candidate candidate : pending) {
			NatsService service = AnnotatedElementUtils.findMergedAnnotation(candidate.targetClass(),
					NatsService.class);
			Map<Method, NatsEndpoint> endpoints = endpoints(candidate.targetClass());
			if (service == null) {
				Method first = endpoints.keySet().iterator().next();
				throw new InvalidListenerMethodException("@NatsEndpoint method " + ListenerContext.describe(first)
						+ " is on bean '" + candidate.beanName() + "', which is not a @NatsService. Annotate "
						+ candidate.targetClass().getName() + " with @NatsService(name = ...) instead of @Component.",
						null);
			}
			Map<Method, NatsEndpoint> invocable = new LinkedHashMap<>();
			endpoints.entrySet()
				.stream()
				.sorted(Comparator.comparing((entry) -> entry.getKey().getName()))
				.forEach((entry) -> invocable.put(
						AopUtils.selectInvocableMethod(entry.getKey(), candidate.bean().getClass()),
						entry.getValue()));
			try {
				registry.registerService(factory.create(candidate.bean(), candidate.beanName(),
						candidate.targetClass(), service, invocable));
			}
			catch (IllegalStateException | IllegalArgumentException ex) {
				throw new InvalidListenerMethodException(ex.getMessage(), ex);
			}
		}
	}

}
