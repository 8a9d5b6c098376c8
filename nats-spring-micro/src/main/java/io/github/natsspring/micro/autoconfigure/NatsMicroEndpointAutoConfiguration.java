package io.github.natsspring.micro.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.autoconfigure.NatsEndpointAutoConfiguration;
import io.github.natsspring.micro.NatsServiceRegistry;
import io.github.natsspring.micro.NatsServicesEndpointSection;

/**
 * Adds the {@code services} section to {@code /actuator/nats}.
 */
@AutoConfiguration(after = NatsMicroAutoConfiguration.class, before = NatsEndpointAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(NatsServiceRegistry.class)
public final class NatsMicroEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NatsServicesEndpointSection natsServicesEndpointSection(NatsServiceRegistry registry) {
		return new NatsServicesEndpointSection(registry);
	}

}
