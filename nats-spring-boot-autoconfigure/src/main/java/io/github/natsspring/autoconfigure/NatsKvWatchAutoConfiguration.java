package io.github.natsspring.autoconfigure;

import io.nats.client.Connection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.kv.watch.KvViewRegistrar;
import io.github.natsspring.kv.watch.KvWatchEndpointFactory;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * Auto-configures KV watchers: {@code @KvWatch} methods and {@code KvView} beans, run by the listener registry.
 */
@AutoConfiguration(after = { NatsListenerAutoConfiguration.class, NatsJetStreamAutoConfiguration.class })
@ConditionalOnClass(Connection.class)
@ConditionalOnBean(NatsListenerEndpointRegistry.class)
public final class NatsKvWatchAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KvWatchEndpointFactory natsKvWatchEndpointFactory(ObjectProvider<JetStreamApi> jetStreamApi) {
		return new KvWatchEndpointFactory(jetStreamApi.getIfAvailable(JetStreamApi::connected));
	}

	@Bean
	@ConditionalOnMissingBean
	static KvViewRegistrar natsKvViewRegistrar() {
		return new KvViewRegistrar();
	}

}
