package io.github.natsspring.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Component;

/**
 * Base of the post-processors that find annotated beans and turn them into endpoints: collects the beans whose
 * class {@link #isCandidate is a candidate} and processes them once all singletons exist (beans created later at
 * once). Collecting does no I/O; deferring keeps the post-processor from creating factories, registries and their
 * dependencies while other beans are still being built. Classes found without annotations are remembered until
 * then, so prototypes are inspected once.
 */
public abstract class DeferredAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton, Ordered {

	private final Set<Class<?>> classesWithoutAnnotations = ConcurrentHashMap.newKeySet();

	private final List<Candidate> candidates = new ArrayList<>();

	private ConfigurableListableBeanFactory beanFactory;

	private volatile boolean singletonsInstantiated;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	/**
	 * The bean factory, to look up what processing needs.
	 * @return the bean factory
	 */
	protected ConfigurableListableBeanFactory getBeanFactory() {
		return this.beanFactory;
	}

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		if (this.classesWithoutAnnotations.contains(targetClass) || isFrameworkClass(targetClass)) {
			return bean;
		}
		if (!isCandidate(targetClass)) {
			this.classesWithoutAnnotations.add(targetClass);
			return bean;
		}
		Candidate candidate = new Candidate(bean, beanName, targetClass);
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

	/**
	 * Spring's own infrastructure beans (some hundred in an application with Actuator) carry no listener
	 * annotations: skipping them, as Spring's {@code EventListenerMethodProcessor} does, saves a reflective walk over
	 * all their methods at startup.
	 */
	private static boolean isFrameworkClass(Class<?> targetClass) {
		String name = targetClass.getName();
		return name.startsWith("java.") || (name.startsWith("org.springframework.")
				&& !AnnotatedElementUtils.isAnnotated(targetClass, Component.class));
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<Candidate> pending;
		synchronized (this.candidates) {
			pending = new ArrayList<>(this.candidates);
			this.candidates.clear();
		}
		this.singletonsInstantiated = true;
		if (!pending.isEmpty()) {
			process(pending);
		}
		this.classesWithoutAnnotations.clear();
	}

	/**
	 * Whether beans of a class carry annotations this post-processor handles. Called once per class (until all
	 * singletons exist); no I/O, no bean lookups.
	 * @param targetClass the bean's class (behind any proxy)
	 * @return {@code true} to process beans of the class
	 */
	protected abstract boolean isCandidate(Class<?> targetClass);

	/**
	 * Turns annotated beans into endpoints. Throw {@link InvalidListenerMethodException} for a declaration that
	 * cannot work: it fails startup.
	 * @param candidates the beans, in the order they were created; never empty
	 */
	protected abstract void process(List<Candidate> candidates);

	/**
	 * A bean waiting to be processed.
	 *
	 * @param bean the bean (possibly a proxy)
	 * @param beanName its name
	 * @param targetClass its class behind any proxy
	 */
	public record Candidate(Object bean, String beanName, Class<?> targetClass) {
	}

}
