package io.github.natsspring.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsEndpointAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code nats} endpoint exists only when exposed, and its write operation is off unless enabled. No server is
 * needed: the refusal comes before any I/O.
 */
class NatsEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				NatsJetStreamAutoConfiguration.class, JacksonAutoConfiguration.class, EndpointAutoConfiguration.class,
				NatsEndpointAutoConfiguration.class))
		.withPropertyValues("nats.servers=nats://127.0.0.1:1");

	@Test
	void absentUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(NatsActuatorEndpoint.class));
	}

	@Test
	void reconcilingOnRequestIsOffByDefault() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=nats").run((context) -> {
			WebEndpointResponse<?> response = context.getBean(NatsActuatorEndpoint.class).reconcile("topology");
			assertThat(response.getStatus()).isEqualTo(403);
			assertThat(response.getBody().toString()).contains("nats.actuator.reconcile-enabled=true");
		});
	}

	@Test
	void withoutAConnectionTheTopologyIsUnknownAndNothingIsRead() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=nats",
				"nats.jetstream.streams[ORDERS].subjects=orders.>").run((context) -> {
					NatsActuatorEndpoint endpoint = context.getBean(NatsActuatorEndpoint.class);
					assertThat(endpoint.nats()).extractingByKey("topology")
						.hasToString("{state=unknown, reason=NATS is not connected}");
					assertThat(endpoint.resource("topology", new String[] { "ORDERS" }).getStatus()).isEqualTo(503);
				});
	}

}
