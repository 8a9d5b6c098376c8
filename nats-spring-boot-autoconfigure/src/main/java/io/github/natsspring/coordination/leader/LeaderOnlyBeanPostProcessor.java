package io.github.natsspring.coordination.leader;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.listener.InvalidListenerMethodException;

/**
 * Finds {@link NatsLeaderOnly} methods. Listener methods ({@code @NatsListener}, {@code @JetStreamListener},
 * {@code @KvWatch}) are remembered by listener id, for {@link LeaderOnlyListeners} to start and stop; beans with
 * other leader-only methods are proxied, and a call on an instance that does not lead the role is skipped.
 * Collecting does no I/O; the {@link LeaderElection} is looked up at the first call.
 */
public class LeaderOnlyBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private static final List<Class<? extends Annotation>> LISTENERS = List.of(NatsListener.class,
			JetStreamListener.class, KvWatch.class);

	/** Listener ids by role, in discovery order. */
	private final Map<String, Set<String>> listeners = new ConcurrentHashMap<>();

	private final Set<String> roles = ConcurrentHashMap.newKeySet();

	/** Classes found without leader-only methods, inspected once. */
	private final Set<Class<?>> classesWithout = ConcurrentHashMap.newKeySet();

	private ConfigurableBeanFactory beanFactory;

	public LeaderOnlyBeanPostProcessor() {
		setProxyTargetClass(true);
		setBeforeExistingAdvisors(true);
		this.advisor = new DefaultPointcutAdvisor(new LeaderOnlyPointcut(), new LeaderOnlyInterceptor());
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		if (this.classesWithout.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, NatsLeaderOnly.class)) {
			return bean;
		}
		boolean[] found = { false };
		ReflectionUtils.doWithMethods(targetClass, (method) -> {
			found[0] = true;
			collect(beanName, method);
		}, (method) -> AnnotatedElementUtils.hasAnnotation(method, NatsLeaderOnly.class));
		if (!found[0]) {
			this.classesWithout.add(targetClass);
			return bean;
		}
		return super.postProcessAfterInitialization(bean, beanName);
	}

	private void collect(String beanName, Method method) {
		String role = role(method);
		this.roles.add(role);
		Annotation listener = listenerAnnotation(method);
		if (listener == null) {
			Class<?> returnType = method.getReturnType();
			if (returnType.isPrimitive() && returnType != void.class) {
				throw new InvalidListenerMethodException("@NatsLeaderOnly on " + describe(method) + ": a call is "
						+ "skipped on an instance that does not lead role '" + role + "' and returns null, which a "
						+ returnType + " cannot hold. Return void or an object.", null);
			}
			return;
		}
		String autoStartup = resolve(attribute(listener, "autoStartup"));
		if (!"false".equalsIgnoreCase(autoStartup.trim())) {
			throw new InvalidListenerMethodException("@NatsLeaderOnly on " + describe(method) + ": the listener must "
					+ "not start with the application, only on the leader of role '" + role + "'. Declare it with @"
					+ listener.annotationType().getSimpleName() + "(autoStartup = \"false\").", null);
		}
		String id = resolve(attribute(listener, "id"));
		if (!StringUtils.hasText(id)) {
			// the listeners' own default id
			id = beanName + "." + method.getName();
		}
		this.listeners.computeIfAbsent(role, (r) -> new LinkedHashSet<>()).add(id);
	}

	private String role(Method method) {
		NatsLeaderOnly annotation = AnnotatedElementUtils.findMergedAnnotation(method, NatsLeaderOnly.class);
		String role = resolve(annotation.value());
		if (!StringUtils.hasText(role)) {
			throw new InvalidListenerMethodException("@NatsLeaderOnly on " + describe(method) + " names no role", null);
		}
		return role.trim();
	}

	private String resolve(String value) {
		if (value == null) {
			return "";
		}
		String resolved = (this.beanFactory != null) ? this.beanFactory.resolveEmbeddedValue(value) : value;
		return (resolved != null) ? resolved : "";
	}

	private static Annotation listenerAnnotation(Method method) {
		for (Class<? extends Annotation> type : LISTENERS) {
			Annotation annotation = AnnotatedElementUtils.findMergedAnnotation(method, type);
			if (annotation != null) {
				return annotation;
			}
		}
		return null;
	}

	private static String attribute(Annotation annotation, String name) {
		Object value = AnnotationUtils.getValue(annotation, name);
		return (value != null) ? value.toString() : "";
	}

	private static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "()";
	}

	/**
	 * The roles named by {@link NatsLeaderOnly}.
	 * @return the roles
	 */
	public Set<String> getRoles() {
		return Set.copyOf(this.roles);
	}

	/**
	 * The ids of the leader-only listeners of each role.
	 * @return listener ids by role
	 */
	public Map<String, Set<String>> getListeners() {
		Map<String, Set<String>> copy = new LinkedHashMap<>();
		this.listeners.forEach((role, ids) -> copy.put(role, Set.copyOf(ids)));
		return copy;
	}

	private LeaderElection election() {
		return this.beanFactory.getBean(LeaderElection.class);
	}

	/**
	 * Matches leader-only methods that are not listeners (those are started and stopped instead).
	 */
	private static final class LeaderOnlyPointcut extends StaticMethodMatcherPointcut {

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
			return AnnotatedElementUtils.hasAnnotation(specific, NatsLeaderOnly.class)
					&& listenerAnnotation(specific) == null;
		}

	}

	/**
	 * Invokes a leader-only method only on the leader of its role.
	 */
	private final class LeaderOnlyInterceptor implements MethodInterceptor {

		private final Map<Method, String> roles = new ConcurrentHashMap<>();

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			Method method = invocation.getMethod();
			Class<?> targetClass = (invocation.getThis() != null)
					? ClassUtils.getUserClass(invocation.getThis().getClass()) : method.getDeclaringClass();
			String role = this.roles.computeIfAbsent(method,
					(m) -> LeaderOnlyBeanPostProcessor.this.role(AopUtils.getMostSpecificMethod(m, targetClass)));
			if (election().isLeader(role)) {
				return invocation.proceed();
			}
			return (method.getReturnType() == Optional.class) ? Optional.empty() : null;
		}

	}

}
