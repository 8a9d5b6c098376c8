package io.github.natsspring.autoconfigure;

import io.nats.client.Connection;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.JetStreamTemplate;
import io.github.natsspring.jetstream.reconcile.DeclarationOrigin;
import io.github.natsspring.jetstream.reconcile.JetStreamHealthGroup;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.JetStreamTopology;
import io.github.natsspring.jetstream.reconcile.KeyValueDeclaration;
import io.github.natsspring.jetstream.reconcile.ObjectStoreDeclaration;
import io.github.natsspring.jetstream.reconcile.StreamDeclaration;

/**
 * Auto-configures JetStream: the topology declared under {@code nats.jetstream} (and as {@link StreamDeclaration},
 * {@link KeyValueDeclaration} and {@link ObjectStoreDeclaration} beans), its {@link JetStreamReconciler}, the
 * {@link JetStreamTemplate}, and a {@code KeyValue} / {@code ObjectStore} bean per declared bucket.
 * <p>
 * Declarations are validated while the beans are created, so a mistake fails startup before anything is sent; the
 * reconciler talks to the server only once the context starts.
 */
@AutoConfiguration(after = NatsAutoConfiguration.class)
@ConditionalOnClass(Connection.class)
@ConditionalOnBean(NatsConnectionManager.class)
@EnableConfigurationProperties(NatsJetStreamProperties.class)
public final class NatsJetStreamAutoConfiguration {

	@Bean
	static NatsBucketBeanRegistrar natsBucketBeanRegistrar() {
		return new NatsBucketBeanRegistrar();
	}

	@Bean
	static JetStreamPropertyKeys natsJetStreamPropertyKeys() {
		return new JetStreamPropertyKeys();
	}

	@Bean
	@ConditionalOnMissingBean
	JetStreamApi natsJetStreamApi(NatsJetStreamProperties properties) {
		try {
			return JetStreamApi.of(properties.getDomain(), properties.getApiPrefix());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidNatsConfigurationException(
					(properties.getDomain() != null) ? "nats.jetstream.domain" : "nats.jetstream.api-prefix",
					ex.getMessage(), "Set nats.jetstream.domain to the domain's name, or nats.jetstream.api-prefix "
							+ "to the imported prefix, not both.");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	JetStreamTopology natsJetStreamTopology(NatsJetStreamProperties properties, ListableBeanFactory beanFactory) {
		JetStreamTopology.Builder topology = JetStreamTopology.builder();
		properties.getStreams()
			.forEach((key, stream) -> topology.stream(key, stream,
					DeclarationOrigin.property("nats.jetstream.streams[" + key + "]")));
		properties.getKeyValue()
			.forEach((key, bucket) -> topology.keyValue(key, bucket,
					DeclarationOrigin.property("nats.jetstream.key-value[" + key + "]")));
		properties.getObjectStore()
			.forEach((key, bucket) -> topology.objectStore(key, bucket,
					DeclarationOrigin.property("nats.jetstream.object-store[" + key + "]")));
		beanFactory.getBeansOfType(StreamDeclaration.class)
			.forEach((name, stream) -> topology.stream(null, stream, DeclarationOrigin.code("bean '" + name + "'")));
		beanFactory.getBeansOfType(KeyValueDeclaration.class)
			.forEach((name, bucket) -> topology.keyValue(null, bucket, DeclarationOrigin.code("bean '" + name + "'")));
		beanFactory.getBeansOfType(ObjectStoreDeclaration.class)
			.forEach((name, bucket) -> topology.objectStore(null, bucket,
					DeclarationOrigin.code("bean '" + name + "'")));
		return topology.build();
	}

	@Bean
	@ConditionalOnMissingBean
	JetStreamReconciler natsJetStreamReconciler(NatsConnectionManager natsConnectionManager,
			JetStreamTopology natsJetStreamTopology, NatsJetStreamProperties properties,
			JetStreamApi natsJetStreamApi) {
		NatsJetStreamProperties.Reconcile reconcile = properties.getReconcile();
		JetStreamReconciler reconciler = new JetStreamReconciler(natsConnectionManager, natsJetStreamTopology,
				reconcile.getMode(), reconcile.isFailOnConflict(), reconcile.getTimeout(), natsJetStreamApi);
		reconciler.setLeaderTimeout(reconcile.getLeaderTimeout());
		return reconciler;
	}

	@Bean
	@ConditionalOnMissingBean
	JetStreamTemplate jetStreamTemplate(NatsConnectionManager natsConnectionManager,
			NatsMessageConverter natsMessageConverter, NatsJetStreamProperties properties) {
		return new JetStreamTemplate(natsConnectionManager::getConnection, natsMessageConverter,
				properties.getPublish().getTimeout(), properties.getPublish().getMaxInFlight());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthContributor.class)
	static class JetStreamHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JetStreamHealthGroup natsJetStreamHealthGroup(JetStreamReconciler natsJetStreamReconciler) {
			return new JetStreamHealthGroup(natsJetStreamReconciler);
		}

	}

}
