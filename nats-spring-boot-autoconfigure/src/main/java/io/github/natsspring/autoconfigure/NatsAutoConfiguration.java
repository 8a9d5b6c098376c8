package io.github.natsspring.autoconfigure;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Connection;
import io.nats.client.Options;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.github.natsspring.connection.NatsConnectionDetails;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsConnectionProxy;
import io.github.natsspring.core.DefaultNatsMessageConverter;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.core.NatsTemplate;

/**
 * Auto-configures the NATS connection, the message converter and the {@link NatsTemplate}.
 * <p>
 * No network I/O happens while beans are created: the {@link NatsConnectionManager} connects when the context
 * starts, and keeps connecting in the background while NATS is unavailable unless {@code nats.fail-fast} is set.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration" })
@ConditionalOnClass(Connection.class)
@EnableConfigurationProperties(NatsProperties.class)
public final class NatsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(NatsConnectionDetails.class)
	PropertiesNatsConnectionDetails natsConnectionDetails(NatsProperties properties) {
		return new PropertiesNatsConnectionDetails(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	Options natsOptions(NatsProperties properties, NatsConnectionDetails connectionDetails,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<NatsOptionsBuilderCustomizer> customizers,
			Environment environment) {
		return new NatsOptionsFactory(properties, connectionDetails, sslBundles.getIfAvailable(), environment)
			.create(customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	NatsConnectionManager natsConnectionManager(Options natsOptions, NatsProperties properties) {
		return new NatsConnectionManager(natsOptions, properties.getDrainTimeout(), properties.isFailFast());
	}

	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	Connection natsConnection(NatsConnectionManager natsConnectionManager) {
		return NatsConnectionProxy.create(natsConnectionManager);
	}

	@Bean
	@ConditionalOnMissingBean
	NatsTemplate natsTemplate(NatsConnectionManager natsConnectionManager, NatsMessageConverter natsMessageConverter,
			NatsProperties properties, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<ObservationHandler<?>> observationHandlers) {
		NatsTemplate template = new NatsTemplate(natsConnectionManager::getConnection, natsMessageConverter,
				properties.getRequestTimeout());
		template.setObservationRegistry(
				NatsObservationRegistry.resolve(properties, observationRegistry, observationHandlers));
		return template;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonMessageConverterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		NatsMessageConverter natsMessageConverter(ObjectProvider<JsonMapper> jsonMapper) {
			return new DefaultNatsMessageConverter(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("tools.jackson.databind.json.JsonMapper")
	static class PlainMessageConverterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		NatsMessageConverter natsMessageConverter() {
			return new DefaultNatsMessageConverter(null);
		}

	}

}
