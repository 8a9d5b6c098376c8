package io.github.natsspring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.listener.ListenerMetrics;
import io.github.natsspring.metrics.MicrometerListenerMetrics;
import io.github.natsspring.metrics.NatsConnectionMetrics;

/**
 * Micrometer metrics for the connection ({@code nats.client.*}) and the listeners ({@code nats.listener}).
 */
@AutoConfiguration(after = NatsAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ NatsConnectionManager.class, MeterRegistry.class })
public final class NatsMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NatsConnectionMetrics natsConnectionMetrics(NatsConnectionManager connectionManager) {
		return new NatsConnectionMetrics(connectionManager);
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerMetrics natsListenerMetrics(MeterRegistry meterRegistry) {
		return new MicrometerListenerMetrics(meterRegistry);
	}

}
