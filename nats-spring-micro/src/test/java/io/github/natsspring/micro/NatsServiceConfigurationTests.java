package io.github.natsspring.micro;

import java.time.Duration;

import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.stereotype.Component;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.listener.InvalidListenerMethodException;
import io.github.natsspring.micro.TestServices.InventoryService;
import io.github.natsspring.micro.autoconfigure.NatsMicroAutoConfiguration;
import io.github.natsspring.micro.autoconfigure.NatsMicroProperties;
import io.github.natsspring.test.NatsServer;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.micro.MicroTestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wiring, startup checks with messages that say what to fix, and services starting when NATS comes up late.
 */
class NatsServiceConfigurationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private final ApplicationContextRunner runner = MicroTestSupport.runner(nats);

	@Test
	void propertiesBindAndConfigureTheRegistry() {
		this.runner.withUserConfiguration(InventoryService.class)
			.withPropertyValues("nats.micro.concurrency=4", "nats.micro.shutdown-timeout=7s")
			.run((context) -> {
				NatsMicroProperties properties = context.getBean(NatsMicroProperties.class);
				assertThat(properties.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(service(context, "inventory").getDefinition().concurrency()).isEqualTo(4);
			});
	}

	@Test
	void servicesStayStoppedWithoutAutoStartup() {
		this.runner.withUserConfiguration(InventoryService.class)
			.withPropertyValues("nats.micro.auto-startup=false")
			.run((context) -> {
				assertThat(service(context, "inventory").isRunning()).isFalse();
				context.getBean(NatsServiceRegistry.class).start();
				assertThat(service(context, "inventory").isRunning()).isTrue();
			});
	}

	@Test
	void backsOffWithoutTheListenerInfrastructure() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsMicroAutoConfiguration.class))
			.withPropertyValues("nats.servers=" + nats.url())
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(NatsServiceRegistry.class));
	}

	@Test
	void invalidDefinitionsFailStartupNamingTheProblem() {
		assertStartupFailure(BadName.class, "name 'bad name' is not a valid service name");
		assertStartupFailure(BadVersion.class, "version 'v1' is not a semantic version");
		assertStartupFailure(DuplicateEndpoints.class, "two endpoints are named 'same'");
		assertStartupFailure(SameSubject.class, "both answer on 'dup.subject'");
		assertStartupFailure(UnknownGroup.class, "no group named 'missing'");
		assertStartupFailure(BadQueueGroup.class, "invalid queue group 'a b'");
		assertStartupFailure(BadMetadata.class, "metadata entry 'novalue' is not of the form key=value");
		assertStartupFailure(ReservedSubject.class, "reserved for service discovery");
		assertStartupFailure(NoEndpoints.class, "has no @NatsEndpoint methods");
		assertStartupFailure(EndpointWithoutService.class, "which is not a @NatsService");
		assertStartupFailure(TwoPayloads.class, "more than one payload parameter");
		this.runner.withUserConfiguration(InventoryService.class, SecondInventory.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Two beans declare @NatsService 'inventory'"));
		this.runner.withUserConfiguration(InventoryService.class)
			.withPropertyValues("nats.micro.concurrency=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("nats.micro.concurrency"));
	}

	@Test
	void servicesStartOnceNatsBecomesAvailableAndSurviveAServerRestart() {
		NatsServer late = NatsServer.builder().build();
		try {
			new ApplicationContextRunner()
				.withConfiguration(MicroTestSupport.autoConfigurations())
				.withUserConfiguration(InventoryService.class)
				.withPropertyValues("nats.servers=" + late.url(), "nats.reconnect.wait=100ms",
						"nats.connection-timeout=500ms", "nats.drain-timeout=2s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					NatsServiceContainer service = service(context, "inventory");
					assertThat(service.isRunning()).isFalse();
					late.start();
					await().atMost(Duration.ofSeconds(10)).until(service::isRunning);
					NatsTemplate template = context.getBean(NatsTemplate.class);
					assertThat(template.request("inventory.count", "ab", Integer.class)).isEqualTo(2);
					// a server restart: jnats reconnects and restores the subscriptions, the instance stays the same
					String id = service.getId();
					late.restart();
					await().atMost(Duration.ofSeconds(10))
						.ignoreExceptions()
						.until(() -> template.request("inventory.count", "abc", Integer.class) == 3);
					try (Connection raw = Nats.connect(late.url())) {
						assertThat(Discovery.collect(raw, "$SRV.PING.inventory." + id, new byte[0], 1,
								Duration.ofSeconds(2)))
							.hasSize(1);
					}
				});
		}
		finally {
			late.close();
		}
	}

	private void assertStartupFailure(Class<?> configuration, String message) {
		this.runner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining(message);
		});
	}

	@NatsService(name = "bad name")
	static class BadName {

		@NatsEndpoint
		void work() {
		}

	}

	@NatsService(name = "svc", version = "v1")
	static class BadVersion {

		@NatsEndpoint
		void work() {
		}

	}

	@NatsService(name = "svc")
	static class DuplicateEndpoints {

		@NatsEndpoint(name = "same", subject = "a")
		void one() {
		}

		@NatsEndpoint(name = "same", subject = "b")
		void two() {
		}

	}

	@NatsService(name = "svc")
	static class SameSubject {

		@NatsEndpoint(subject = "dup.subject")
		void one() {
		}

		@NatsEndpoint(subject = "dup.subject", queueGroup = "other")
		void two() {
		}

	}

	@NatsService(name = "svc")
	static class UnknownGroup {

		@NatsEndpoint(group = "missing")
		void work() {
		}

	}

	@NatsService(name = "svc", queueGroup = "a b")
	static class BadQueueGroup {

		@NatsEndpoint
		void work() {
		}

	}

	@NatsService(name = "svc")
	static class BadMetadata {

		@NatsEndpoint(metadata = "novalue")
		void work() {
		}

	}

	@NatsService(name = "svc")
	static class ReservedSubject {

		@NatsEndpoint(subject = "$SRV.PING.custom")
		void work() {
		}

	}

	@NatsService(name = "svc")
	static class NoEndpoints {

	}

	@Component
	static class EndpointWithoutService {

		@NatsEndpoint
		void work() {
		}

	}

	@NatsService(name = "svc")
	static class TwoPayloads {

		@NatsEndpoint
		void work(String one, String two) {
		}

	}

	@NatsService(name = "inventory")
	static class SecondInventory {

		@NatsEndpoint(subject = "inventory.other")
		void other() {
		}

	}

}
