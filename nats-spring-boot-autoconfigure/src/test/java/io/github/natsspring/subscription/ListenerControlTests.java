package io.github.natsspring.subscription;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.health.ListenerHealthIndicator;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starting and stopping listeners on request (and what health says about it), and spring-messaging
 * {@code Message<T>} parameters.
 */
class ListenerControlTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withConfig((server) -> server.jetStream(false));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withUserConfiguration(Listeners.class)
		.withPropertyValues("nats.servers=" + nats.url(), "audit.enabled=false");

	@Test
	void aListenerDisabledByPlaceholderStartsOnRequestAndIsDownWhenStoppedAgain() {
		this.runner.run((context) -> {
			NatsListenerEndpointRegistry registry = context.getBean(NatsListenerEndpointRegistry.class);
			Listeners listeners = context.getBean(Listeners.class);
			NatsTemplate template = context.getBean(NatsTemplate.class);
			assertThat(registry.getContainer("audit").isRunning()).isFalse();
			assertThat(health(registry, "audit")).isEqualTo(Status.UNKNOWN);

			registry.startContainer("audit");
			await().until(() -> registry.getContainer("audit").isRunning());
			assertThat(health(registry, "audit")).isEqualTo(Status.UP);
			template.publish("audit.login", "alice");
			assertThat(listeners.audit.poll(5, TimeUnit.SECONDS)).isEqualTo("alice");

			// started on request, it is expected to run from then on: a stopped listener consumes nothing
			registry.stopContainer("audit");
			assertThat(registry.getContainer("audit").isRunning()).isFalse();
			assertThat(health(registry, "audit")).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void messageParametersCarryTheConvertedPayloadAndHeaders() {
		this.runner.run((context) -> {
			context.getBean(NatsTemplate.class).publish("orders.wrapped", new Order("o-9"));
			Message<Order> message = context.getBean(Listeners.class).wrapped.poll(5, TimeUnit.SECONDS);
			assertThat(message).isNotNull();
			assertThat(message.getPayload()).isEqualTo(new Order("o-9"));
			assertThat(message.getHeaders().get(NatsHeaders.SUBJECT)).isEqualTo("orders.wrapped");
		});
	}

	private static Status health(NatsListenerEndpointRegistry registry, String id) {
		return new ListenerHealthIndicator(registry.getContainer(id), registry.isExpectedToRun(id)).health().getStatus();
	}

	record Order(String id) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final BlockingQueue<String> audit = new LinkedBlockingQueue<>();

		final BlockingQueue<Message<Order>> wrapped = new LinkedBlockingQueue<>();

		@NatsListener(subject = "audit.>", id = "audit", autoStartup = "${audit.enabled}")
		void audit(String user) {
			this.audit.add(user);
		}

		@NatsListener(subject = "orders.wrapped")
		void wrapped(Message<Order> message) {
			this.wrapped.add(message);
		}

	}

}
