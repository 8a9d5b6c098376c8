package io.github.natsspring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.actuate.NatsActuatorEndpoint;
import io.github.natsspring.actuate.NatsEndpointSection;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * Auto-configures the {@code nats} actuator endpoint when it is available (exposed like any other endpoint, with
 * {@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = { NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
		NatsJetStreamAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(NatsConnectionManager.class)
@ConditionalOnAvailableEndpoint(NatsActuatorEndpoint.class)
public final class NatsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NatsActuatorEndpoint natsActuatorEndpoint(NatsConnectionManager natsConnectionManager,
			ObjectProvider<NatsListenerEndpointRegistry> listenerRegistry,
			ObjectProvider<JetStreamReconciler> reconciler, ObjectProvider<NatsEndpointSection> sections,
			NatsProperties properties) {
		NatsProperties.Actuator actuator = properties.getActuator();
		return new NatsActuatorEndpoint(natsConnectionManager, listenerRegistry::getIfAvailable,
				reconciler::getIfAvailable, () -> sections.orderedStream().toList(), actuator.getCacheTimeToLive(),
				actuator.isReconcileEnabled(), properties.getRequestTimeout());
	}

}
