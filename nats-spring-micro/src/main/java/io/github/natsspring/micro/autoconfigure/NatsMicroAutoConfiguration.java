package io.github.natsspring.micro.autoconfigure;

import io.nats.client.Connection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

import io.github.natsspring.autoconfigure.InvalidNatsConfigurationException;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.micro.NatsServiceAnnotationBeanPostProcessor;
import io.github.natsspring.micro.NatsServiceRegistry;
import io.github.natsspring.micro.ServiceRequestObserver;

/**
 * Auto-configures {@code @NatsService} / {@code @NatsEndpoint}: finds the services among the beans and runs them on
 * the NATS service protocol once the application context is refreshed and the connection is up.
 */
@AutoConfiguration(after = { NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class })
@ConditionalOnClass(Connection.class)
@ConditionalOnBean({ NatsConnectionManager.class, ListenerContext.class })
@EnableConfigurationProperties(NatsMicroProperties.class)
public final class NatsMicroAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static NatsServiceAnnotationBeanPostProcessor natsServiceAnnotationBeanPostProcessor() {
		return new NatsServiceAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	NatsServiceRegistry natsServiceRegistry(NatsConnectionManager connectionManager, ListenerContext listenerContext,
			ObjectProvider<ServiceRequestObserver> observers, NatsMicroProperties properties) {
		if (properties.getConcurrency() < 1) {
			throw new InvalidNatsConfigurationException("nats.micro.concurrency",
					"must be at least 1, was " + properties.getConcurrency(), "Set it to 1 or more.");
		}
		return new NatsServiceRegistry(connectionManager, listenerContext, () -> observers.orderedStream().toList(),
				properties.isAutoStartup(), properties.getShutdownTimeout(), properties.getConcurrency());
	}

}
