package io.github.natsspring.sample.billing.dev;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

import io.github.natsspring.connection.NatsConnectionDetails;

/**
 * Registers the {@link DevNatsServer} in the default profile only.
 */
@Configuration(proxyBeanMethods = false)
@Profile("default")
class DevNatsServerConfiguration {

	@Bean
	DevNatsServer devNatsServer(NatsConnectionDetails connectionDetails) {
		return new DevNatsServer(connectionDetails.getServers());
	}

}
