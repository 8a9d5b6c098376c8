package io.github.natsspring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

import io.github.natsspring.jetstream.JetStreamOperations;
import io.github.natsspring.jetstream.listener.JetStreamListenerDefaults;
import io.github.natsspring.jetstream.listener.JetStreamListenerEndpointFactory;
import io.github.natsspring.jetstream.listener.JetStreamListenerMeters;
import io.github.natsspring.jetstream.listener.JetStreamListenerSupport;
import io.github.natsspring.jetstream.listener.MicrometerJetStreamListenerMeters;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.StreamDeclaration;
import io.github.natsspring.listener.ListenerContext;

/**
 * Auto-configures {@code @JetStreamListener}: the endpoint factory that turns annotated methods into durable or
 * ordered consumer containers, and what those containers share ({@code nats.jetstream.listener.*}), including the
 * dead-letter stream and the {@code nats.listener.pending} / {@code nats.listener.ack.pending} gauges.
 */
@AutoConfiguration(after = { NatsJetStreamAutoConfiguration.class, NatsListenerAutoConfiguration.class,
		NatsMetricsAutoConfiguration.class })
@ConditionalOnClass(Connection.class)
@ConditionalOnBean({ ListenerContext.class, JetStreamReconciler.class })
@EnableConfigurationProperties(NatsJetStreamListenerProperties.class)
public final class NatsJetStreamListenerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JetStreamListenerSupport natsJetStreamListenerSupport(JetStreamReconciler natsJetStreamReconciler,
			JetStreamOperations jetStreamOperations, NatsJetStreamListenerProperties properties,
			NatsJetStreamProperties jetStreamProperties, ObjectProvider<JetStreamListenerMeters> meters) {
		return new JetStreamListenerSupport(natsJetStreamReconciler, defaults(properties), jetStreamOperations,
				meters.getIfAvailable(() -> JetStreamListenerMeters.NONE),
				jetStreamProperties.getReconcile().getTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	JetStreamListenerEndpointFactory natsJetStreamListenerEndpointFactory(
			JetStreamListenerSupport natsJetStreamListenerSupport) {
		return new JetStreamListenerEndpointFactory(natsJetStreamListenerSupport);
	}

	static JetStreamListenerDefaults defaults(NatsJetStreamListenerProperties properties) {
		NatsJetStreamListenerProperties.DeadLetter deadLetter = properties.getDeadLetter();
		String prefix = deadLetter.getSubjectPrefix();
		if (!StringUtils.hasText(prefix) || prefix.contains("*") || prefix.contains(">") || prefix.contains(" ")
				|| prefix.startsWith(".") || prefix.endsWith(".")) {
			throw new InvalidNatsConfigurationException("nats.jetstream.listener.dead-letter.subject-prefix",
					"'" + prefix + "' is not a subject prefix", "Use subject tokens without wildcards, for example dlq.");
		}
		StreamDeclaration deadLetterStream = null;
		if (deadLetter.isEnabled() && deadLetter.isDeclareStream()) {
			StreamDeclaration.Builder stream = StreamDeclaration.builder(deadLetter.getStream())
				.subjects(prefix + ".>")
				.storage(deadLetter.getStorage());
			if (deadLetter.getMaxAge() != null) {
				stream.maxAge(deadLetter.getMaxAge());
			}
			if (deadLetter.getReplicas() != null) {
				stream.replicas(deadLetter.getReplicas());
			}
			deadLetterStream = stream.build();
		}
		try {
			if (properties.getBatchSize() != null && properties.getBatchSize() < 1) {
				throw new IllegalArgumentException(
						"nats.jetstream.listener.batch-size must be at least 1, was " + properties.getBatchSize());
			}
			return new JetStreamListenerDefaults(properties.getMaxDeliver(), properties.getNakDelay(),
					(properties.getBatchSize() != null) ? properties.getBatchSize() : 0,
					(properties.getMaxBytes() != null) ? properties.getMaxBytes().toBytes() : 0, properties.getExpires(),
					properties.getConsumerInfoInterval(), properties.getStallTimeout(), properties.getMaxInProgress(),
					deadLetter.isEnabled(), prefix, deadLetterStream, deadLetter.getTimeout(),
					properties.getDedupe().getBucket(), properties.getDedupe().getTtl(),
					properties.getDedupe().getStorage());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidNatsConfigurationException("nats.jetstream.listener", ex.getMessage(),
					"Correct the property.");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class JetStreamListenerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JetStreamListenerMeters natsJetStreamListenerMeters(MeterRegistry meterRegistry) {
			return new MicrometerJetStreamListenerMeters(meterRegistry);
		}

	}

}
