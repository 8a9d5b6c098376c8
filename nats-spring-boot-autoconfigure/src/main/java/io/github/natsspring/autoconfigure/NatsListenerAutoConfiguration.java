package io.github.natsspring.autoconfigure;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Connection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.validation.Validator;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMetrics;
import io.github.natsspring.listener.NatsListenerAnnotationBeanPostProcessor;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.subscription.SubscriptionEndpointFactory;

/**
 * Auto-configures annotated listeners: finds {@code @NatsListener} (and the other listener annotations) on beans
 * and runs them once the connection is up. Uses the application's {@link Validator} for {@code @Valid} payloads
 * and virtual threads when {@code spring.threads.virtual.enabled} is set.
 */
@AutoConfiguration(after = { NatsAutoConfiguration.class, NatsMetricsAutoConfiguration.class },
		afterName = "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration")
@ConditionalOnClass(Connection.class)
@ConditionalOnBean(NatsConnectionManager.class)
public final class NatsListenerAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static NatsListenerAnnotationBeanPostProcessor natsListenerAnnotationBeanPostProcessor() {
		return new NatsListenerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerContext natsListenerContext(NatsConnectionManager connectionManager, NatsTemplate natsTemplate,
			NatsMessageConverter messageConverter, ObjectProvider<Validator> validator,
			ConfigurableListableBeanFactory beanFactory, Environment environment, NatsProperties properties,
			ObjectProvider<ListenerMetrics> metrics, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<ObservationHandler<?>> observationHandlers) {
		ListenerContext context = new ListenerContext(connectionManager, natsTemplate, messageConverter,
				validator.getIfUnique(() -> null), beanFactory, Threading.VIRTUAL.isActive(environment),
				properties.getListener().getShutdownTimeout());
		context.setMetrics(metrics.getIfAvailable(() -> ListenerMetrics.NONE));
		context.setObservationRegistry(
				NatsObservationRegistry.resolve(properties, observationRegistry, observationHandlers));
		return context;
	}

	@Bean
	@ConditionalOnMissingBean
	NatsListenerEndpointRegistry natsListenerEndpointRegistry(NatsConnectionManager connectionManager,
			ListenerContext natsListenerContext, NatsProperties properties) {
		return new NatsListenerEndpointRegistry(connectionManager, natsListenerContext,
				properties.getListener().isAutoStartup());
	}

	@Bean
	@ConditionalOnMissingBean
	SubscriptionEndpointFactory natsSubscriptionEndpointFactory() {
		return new SubscriptionEndpointFactory();
	}

}
