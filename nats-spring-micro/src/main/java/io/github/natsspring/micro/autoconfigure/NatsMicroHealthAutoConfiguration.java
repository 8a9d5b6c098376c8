package io.github.natsspring.micro.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.micro.NatsServiceRegistry;
import io.github.natsspring.micro.NatsServicesHealthGroup;

/**
 * Adds the {@code services} group to the {@code nats} health component: one member per service.
 */
@AutoConfiguration(after = NatsMicroAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(NatsServiceRegistry.class)
@ConditionalOnEnabledHealthIndicator("nats")
public final class NatsMicroHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NatsServicesHealthGroup natsServicesHealthGroup(NatsServiceRegistry registry) {
		return new NatsServicesHealthGroup(registry);
	}

}
