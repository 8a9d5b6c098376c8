package io.github.natsspring.micro.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.micro.MicrometerServiceRequestObserver;
import io.github.natsspring.micro.NatsServiceRegistry;

/**
 * Feeds service requests to Micrometer: a timer {@code nats.service.requests} and a counter
 * {@code nats.service.errors} per endpoint.
 */
@AutoConfiguration(after = NatsMicroAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, NatsServiceRegistry.class })
public final class NatsMicroMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerServiceRequestObserver natsServiceRequestMetrics(MeterRegistry meterRegistry) {
		return new MicrometerServiceRequestObserver(meterRegistry);
	}

}
