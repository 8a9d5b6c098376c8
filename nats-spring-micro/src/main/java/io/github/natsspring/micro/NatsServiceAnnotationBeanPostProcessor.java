package io.github.natsspring.micro;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

import io.github.natsspring.listener.InvalidListenerMethodException;
import io.github.natsspring.listener.ListenerContext;

/**
 * Finds {@link NatsService @NatsService} beans and, once all singletons exist, turns each with its
 * {@link NatsEndpoint @NatsEndpoint} methods into a {@link ServiceDefinition} registered with the
 * {@link NatsServiceRegistry}. Collecting does no I/O; services start later. A {@code @NatsEndpoint} method on a bean
 * that is not a {@code @NatsService}, or a definition the protocol would refuse, fails startup with a message naming
 * the bean or method.
 */
public class NatsServiceAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton, Ordered {

	private final Set<Class<?>> classesWithoutEndpoints = ConcurrentHashMap.newKeySet();

	private final List<Candidate> candidates = new ArrayList<>();

	private ConfigurableListableBeanFactory beanFactory;

	private volatile boolean singletonsInstantiated;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		if (this.classesWithoutEndpoints.contains(targetClass)) {
			return bean;
		}
		NatsService service = AnnotatedElementUtils.findMergedAnnotation(targetClass, NatsService.class);
		Map<Method, NatsEndpoint> endpoints = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<NatsEndpoint>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, NatsEndpoint.class));
		if (service == null && endpoints.isEmpty()) {
			this.classesWithoutEndpoints.add(targetClass);
			return bean;
		}
		Candidate candidate = new Candidate(bean, beanName, targetClass, service, endpoints);
		if (this.singletonsInstantiated) {
			process(List.of(candidate));
		}
		else {
			synchronized (this.candidates) {
				this.candidates.add(candidate);
			}
		}
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<Candidate> pending;
		synchronized (this.candidates) {
			pending = new ArrayList<>(this.candidates);
			this.candidates.clear();
		}
		this.singletonsInstantiated = true;
		process(pending);
		this.classesWithoutEndpoints.clear();
	}

	private void process(List<Candidate> pending) {
		if (pending.isEmpty()) {
			return;
		}
		NatsServiceRegistry registry = this.beanFactory.getBean(NatsServiceRegistry.class);
		ListenerContext context = this.beanFactory.getBean(ListenerContext.class);
		ServiceDefinitionFactory factory = new ServiceDefinitionFactory(context, registry.getDefaultConcurrency());
		for (Candidate candidate : pending) {
			if (candidate.service() == null) {
				Method first = candidate.endpoints().keySet().iterator().next();
				throw new InvalidListenerMethodException("@NatsEndpoint method " + ListenerContext.describe(first)
						+ " is on bean '" + candidate.beanName() + "', which is not a @NatsService. Annotate "
						+ candidate.targetClass().getName() + " with @NatsService(name = ...) instead of @Component.",
						null);
			}
			Map<Method, NatsEndpoint> invocable = new LinkedHashMap<>();
			candidate.endpoints()
				.entrySet()
				.stream()
				.sorted(java.util.Comparator.comparing((entry) -> entry.getKey().getName()))
				.forEach((entry) -> invocable.put(
						AopUtils.selectInvocableMethod(entry.getKey(), candidate.bean().getClass()),
						entry.getValue()));
			try {
				registry.registerService(factory.create(candidate.bean(), candidate.beanName(),
						candidate.targetClass(), candidate.service(), invocable));
			}
			catch (IllegalStateException | IllegalArgumentException ex) {
				throw new InvalidListenerMethodException(ex.getMessage(), ex);
			}
		}
	}

	private record Candidate(Object bean, String beanName, Class<?> targetClass, NatsService service,
			Map<Method, NatsEndpoint> endpoints) {
	}

}
