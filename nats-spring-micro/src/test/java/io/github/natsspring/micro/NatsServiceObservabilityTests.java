package io.github.natsspring.micro;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.autoconfigure.NatsHealthContributorAutoConfiguration;
import io.github.natsspring.core.NatsServiceErrorException;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.health.NatsHealthContributor;
import io.github.natsspring.micro.TestServices.ErrorService;
import io.github.natsspring.micro.TestServices.InventoryService;
import io.github.natsspring.micro.autoconfigure.NatsMicroHealthAutoConfiguration;
import io.github.natsspring.micro.autoconfigure.NatsMicroMetricsAutoConfiguration;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.micro.MicroTestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Micrometer meters per endpoint and the {@code services} health group.
 */
class NatsServiceObservabilityTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private final ApplicationContextRunner runner = MicroTestSupport.runner(nats)
		.withConfiguration(AutoConfigurations.of(NatsMicroMetricsAutoConfiguration.class,
				NatsHealthContributorAutoConfiguration.class, NatsMicroHealthAutoConfiguration.class));

	@Test
	void everyRequestIsTimedAndEveryErrorCountedPerEndpoint() {
		this.runner.withUserConfiguration(Meters.class, InventoryService.class, ErrorService.class).run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			// meters exist from the start
			assertThat(meters.get("nats.service.requests").tags("service", "inventory", "endpoint", "count").timer()
				.count()).isZero();
			NatsTemplate template = context.getBean(NatsTemplate.class);
			for (int i = 0; i < 3; i++) {
				assertThat(template.request("inventory.count", "abc", Integer.class)).isEqualTo(3);
			}
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(NatsServiceErrorException.class)
					.isThrownBy(() -> template.request("errors.not-found", "1", String.class));
			}
			assertThatExceptionOfType(NatsServiceErrorException.class)
				.isThrownBy(() -> template.request("errors.boom", "1", String.class));
			assertThat(meters.get("nats.service.requests").tags("service", "inventory", "endpoint", "count").timer()
				.count()).isEqualTo(3);
			assertThat(meters.get("nats.service.requests").tags("service", "errors", "endpoint", "notFound").timer()
				.count()).isEqualTo(2);
			assertThat(meters.get("nats.service.errors")
				.tags("service", "errors", "endpoint", "notFound", "code", "404")
				.counter()
				.count()).isEqualTo(2);
			assertThat(meters.get("nats.service.errors").tags("service", "errors", "endpoint", "boom", "code", "500")
				.counter()
				.count()).isEqualTo(1);
			assertThat(meters.find("nats.service.errors").tags("service", "inventory").counter()).isNull();
		});
	}

	@Test
	void eachServiceIsAMemberOfTheServicesHealthGroup() {
		this.runner.withUserConfiguration(InventoryService.class, ErrorService.class).run((context) -> {
			context.getBean(NatsTemplate.class).request("inventory.count", "abcd", Integer.class, Duration.ofSeconds(2));
			NatsHealthContributor nats = context.getBean(NatsHealthContributor.class);
			CompositeHealthContributor services = (CompositeHealthContributor) nats.getContributor("services");
			assertThat(services).isNotNull();
			assertThat(services.stream().map((entry) -> entry.name())).containsExactly("inventory", "errors");
			Health health = ((HealthIndicator) services.getContributor("inventory")).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("name", "inventory")
				.containsEntry("version", "0.0.0")
				.containsEntry("id", service(context, "inventory").getId())
				.containsEntry("concurrency", 16)
				.containsKey("inFlight"); // the worker may still be finishing the request just answered
			@SuppressWarnings("unchecked")
			List<Map<String, Object>> endpoints = (List<Map<String, Object>>) health.getDetails().get("endpoints");
			assertThat(endpoints).singleElement().satisfies((endpoint) -> {
				assertThat(endpoint).containsEntry("subject", "inventory.count")
					.containsEntry("queueGroup", "q")
					.containsEntry("requests", 1L)
					.containsEntry("errors", 0L);
			});
			NatsServiceRegistry registry = context.getBean(NatsServiceRegistry.class);
			registry.stop();
			assertThat(((HealthIndicator) services.getContributor("inventory")).health().getStatus())
				.isEqualTo(Status.UNKNOWN);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
