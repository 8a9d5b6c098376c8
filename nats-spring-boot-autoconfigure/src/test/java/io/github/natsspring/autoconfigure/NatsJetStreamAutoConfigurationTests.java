package io.github.natsspring.autoconfigure;

import java.time.Duration;
import java.util.function.Supplier;

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.core.DefaultNatsMessageConverter;
import io.github.natsspring.health.NatsHealthContributor;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.JetStreamTemplate;
import io.github.natsspring.jetstream.reconcile.JetStreamHealthGroup;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.JetStreamTopology;
import io.github.natsspring.jetstream.reconcile.ReconcileMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the JetStream auto-configuration, without a server: nothing here may talk to NATS.
 */
class NatsJetStreamAutoConfigurationTests {

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class,
				NatsHealthContributorAutoConfiguration.class))
		.withPropertyValues("nats.servers=nats://127.0.0.1:1", "nats.drain-timeout=100ms");

	@Test
	void defaults() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(JetStreamTemplate.class)
				.hasSingleBean(JetStreamReconciler.class)
				.hasSingleBean(JetStreamTopology.class)
				.hasSingleBean(JetStreamHealthGroup.class);
			NatsJetStreamProperties properties = context.getBean(NatsJetStreamProperties.class);
			assertThat(properties.getReconcile().getMode()).isEqualTo(ReconcileMode.UPDATE);
			assertThat(properties.getReconcile().isFailOnConflict()).isTrue();
			assertThat(properties.getReconcile().getTimeout()).isEqualTo(Duration.ofSeconds(5));
			JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
			assertThat(template.getTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(template.getMaxInFlight()).isEqualTo(4096);
			assertThat(context.getBean(JetStreamTopology.class).isEmpty()).isTrue();
		});
	}

	@Test
	void propertiesBindWithRelaxedNames() {
		this.runner
			.withPropertyValues("nats.jetstream.reconcile.mode=CREATE_ONLY", "nats.jetstream.reconcile.failOnConflict=false",
					"nats.jetstream.publish.timeout=2s", "nats.jetstream.publish.max-in-flight=16")
			.run((context) -> {
				JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
				assertThat(reconciler.getMode()).isEqualTo(ReconcileMode.CREATE_ONLY);
				assertThat(context.getBean(NatsJetStreamProperties.class).getReconcile().isFailOnConflict()).isFalse();
				assertThat(context.getBean(JetStreamTemplate.class).getTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(context.getBean(JetStreamTemplate.class).getMaxInFlight()).isEqualTo(16);
			});
	}

	@Test
	void aDomainOrAnApiPrefixIsTheJetStreamEveryComponentUses() {
		this.runner.run((context) -> assertThat(context.getBean(JetStreamApi.class).isConnected()).isTrue());
		this.runner.withPropertyValues("nats.jetstream.domain=hub").run((context) -> {
			JetStreamApi api = context.getBean(JetStreamApi.class);
			assertThat(api.getDomain()).isEqualTo("hub");
			assertThat(api.options(null).getPrefix()).isEqualTo("$JS.hub.API.");
			assertThat(context.getBean(JetStreamReconciler.class).getJetStreamApi()).isEqualTo(api);
			assertThat(api.forDomain("leaf").options(null).getPrefix()).isEqualTo("$JS.leaf.API.");
			assertThat(api.forDomain(null)).isSameAs(api);
		});
		this.runner.withPropertyValues("nats.jetstream.api-prefix=partner.API")
			.run((context) -> assertThat(context.getBean(JetStreamApi.class).options(null).getPrefix())
				.isEqualTo("partner.API."));
	}

	@Test
	void aDomainAndAnApiPrefixTogetherFailStartup() {
		this.runner.withPropertyValues("nats.jetstream.domain=hub", "nats.jetstream.api-prefix=partner.API")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidNatsConfigurationException.class)
				.hasMessageContaining("nats.jetstream.domain")
				.hasMessageContaining("not both"));
		this.runner.withPropertyValues("nats.jetstream.domain=hub.eu")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'hub.eu' is not a JetStream domain name"));
	}

	@Test
	void userBeansWin() {
		this.runner.withUserConfiguration(CustomTemplate.class).run((context) -> {
			assertThat(context).hasSingleBean(JetStreamTemplate.class);
			assertThat(context.getBean(JetStreamTemplate.class).getMaxInFlight()).isEqualTo(1);
		});
	}

	@Test
	void declaredResourcesShowUpInTheNatsHealthComponentBeforeTheFirstReconciliation() {
		this.runner.withPropertyValues("nats.jetstream.streams[ORDERS].subjects=orders.>").run((context) -> {
			NatsHealthContributor nats = context.getBean(NatsHealthContributor.class);
			CompositeHealthContributor jetstream = (CompositeHealthContributor) nats.getContributor("jetstream");
			assertThat(jetstream).isNotNull();
			HealthIndicator topology = (HealthIndicator) jetstream.getContributor("topology");
			assertThat(topology.health().getStatus()).isEqualTo(Status.UNKNOWN);
		});
	}

	@Test
	void withoutDeclarationsTheHealthGroupIsHidden() {
		this.runner.run((context) -> assertThat(
				context.getBean(NatsHealthContributor.class).getContributor("jetstream")).isNull());
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomTemplate {

		@Bean
		JetStreamTemplate customJetStreamTemplate() {
			Supplier<Connection> none = () -> null;
			return new JetStreamTemplate(none, new DefaultNatsMessageConverter(null), Duration.ofSeconds(1), 1);
		}

	}

}
