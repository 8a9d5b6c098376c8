package io.github.natsspring.observation;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sends and listener invocations are observed, and what a tracing handler writes into the headers on the sending
 * side is what it reads on the receiving side.
 */
class NatsObservationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withConfig((server) -> server.jetStream(false));

	@Test
	void traceContextTravelsInTheHeaders() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
					JacksonAutoConfiguration.class))
			.withUserConfiguration(Observed.class)
			.withPropertyValues("nats.servers=" + nats.url())
			.run((context) -> {
				PropagatingHandler handler = context.getBean(PropagatingHandler.class);
				NatsTemplate template = context.getBean(NatsTemplate.class);
				template.publish("traced.work", "payload");
				await().untilAsserted(() -> assertThat(handler.received).hasSize(1));
				assertThat(handler.received).containsExactlyElementsOf(handler.sent);
				assertThat(handler.names).contains("nats.send", "nats.process");
				Observation.Context process = handler.contexts.stream()
					.filter((c) -> "nats.process".equals(c.getName()))
					.findFirst()
					.orElseThrow();
				assertThat(process.getLowCardinalityKeyValue("nats.listener").getValue()).isEqualTo("traced");
				assertThat(process.getHighCardinalityKeyValue("messaging.destination.name").getValue())
					.isEqualTo("traced.work");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Observed {

		@Bean
		PropagatingHandler propagatingHandler() {
			return new PropagatingHandler();
		}

		@Bean
		ObservationRegistry observationRegistry(PropagatingHandler handler) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(handler);
			return registry;
		}

		@NatsListener(subject = "traced.work", id = "traced")
		void work(String payload) {
		}

	}

	/** Plays a tracing bridge: injects an id on send, extracts it on receive. */
	static class PropagatingHandler implements ObservationHandler<Observation.Context> {

		final List<String> sent = new CopyOnWriteArrayList<>();

		final List<String> received = new CopyOnWriteArrayList<>();

		final List<String> names = new CopyOnWriteArrayList<>();

		final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

		@Override
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public void onStart(Observation.Context context) {
			this.names.add(context.getName());
			this.contexts.add(context);
			if (context instanceof SenderContext sender) {
				String id = UUID.randomUUID().toString();
				sender.getSetter().set(sender.getCarrier(), "test-trace", id);
				this.sent.add(id);
			}
			else if (context instanceof ReceiverContext receiver) {
				this.received.add((String) receiver.getGetter().get(receiver.getCarrier(), "test-trace"));
			}
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
