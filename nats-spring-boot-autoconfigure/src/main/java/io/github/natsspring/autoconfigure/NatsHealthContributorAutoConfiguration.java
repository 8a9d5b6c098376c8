package io.github.natsspring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.health.ListenerHealthGroup;
import io.github.natsspring.health.NatsConnectionHealthIndicator;
import io.github.natsspring.health.NatsHealthContributor;
import io.github.natsspring.health.NatsHealthGroup;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * Auto-configures the {@code nats} health component ({@code management.health.nats.enabled}).
 */
@AutoConfiguration(after = { NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class })
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(NatsConnectionManager.class)
@ConditionalOnEnabledHealthIndicator("nats")
public final class NatsHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "natsHealthContributor")
	NatsHealthContributor natsHealthContributor(NatsConnectionManager connectionManager,
			ObjectProvider<NatsListenerEndpointRegistry> listenerRegistry, ObjectProvider<NatsHealthGroup> groups) {
		NatsHealthContributor contributor = new NatsHealthContributor(
				new NatsConnectionHealthIndicator(connectionManager));
		NatsListenerEndpointRegistry registry = listenerRegistry.getIfAvailable();
		if (registry != null) {
			ListenerHealthGroup listeners = new ListenerHealthGroup("listeners", registry);
			contributor.addGroup(listeners.getName(), listeners::getMembers);
		}
		groups.orderedStream().forEach((group) -> contributor.addGroup(group.getName(), group::getMembers));
		return contributor;
	}

}
