package io.github.natsspring.micro;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.micro.autoconfigure.NatsMicroAutoConfiguration;
import io.github.natsspring.test.NatsServerExtension;

final class MicroTestSupport {

	private MicroTestSupport() {
	}

	/**
	 * An application with the starter, services, Jackson and Bean Validation, connected to the given server.
	 */
	static ApplicationContextRunner runner(NatsServerExtension nats) {
		return new ApplicationContextRunner().withConfiguration(autoConfigurations())
			.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=5s",
					"nats.micro.shutdown-timeout=5s");
	}

	static AutoConfigurations autoConfigurations() {
		return AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				NatsMicroAutoConfiguration.class, JacksonAutoConfiguration.class, ValidationAutoConfiguration.class);
	}

	static NatsServiceContainer service(org.springframework.context.ApplicationContext context, String name) {
		return context.getBean(NatsServiceRegistry.class).getService(name);
	}

}
