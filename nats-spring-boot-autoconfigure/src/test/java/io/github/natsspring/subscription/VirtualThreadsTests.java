package io.github.natsspring.subscription;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.threads.virtual.enabled=true} listener handlers run on virtual threads. Needs Java 21+ at
 * runtime: skipped on 17 (run the build with a newer JDK to include it).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withConfig((server) -> server.jetStream(false));

	@Test
	void handlersRunOnVirtualThreadsWhenEnabled() throws Exception {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
					JacksonAutoConfiguration.class))
			.withUserConfiguration(Recorder.class)
			.withPropertyValues("nats.servers=" + nats.url(), "spring.threads.virtual.enabled=true")
			.run((context) -> {
				context.getBean(NatsTemplate.class).publish("virtual.work", "x");
				Thread thread = context.getBean(Recorder.class).threads.poll(5, TimeUnit.SECONDS);
				assertThat(thread).isNotNull();
				assertThat((Boolean) Thread.class.getMethod("isVirtual").invoke(thread)).isTrue();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Recorder {

		final BlockingQueue<Thread> threads = new LinkedBlockingQueue<>();

		@NatsListener(subject = "virtual.work", concurrency = "4")
		void work(String payload) {
			this.threads.add(Thread.currentThread());
		}

	}

}
