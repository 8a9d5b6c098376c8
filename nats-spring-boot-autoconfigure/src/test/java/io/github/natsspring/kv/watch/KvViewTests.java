package io.github.natsspring.kv.watch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.ParameterizedTypeReference;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsHealthContributorAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsKvWatchAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link KvView}: loaded when the application has started, current within a bounded time after every change.
 */
class KvViewTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				NatsKvWatchAutoConfiguration.class, NatsHealthContributorAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=5s", "app.flags-bucket=CONFIG");

	@Test
	@Tag("compat")
	void viewIsLoadedAtStartupAndReflectsEveryChangeWithinABoundedTime() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			connection.keyValueManagement()
				.create(KeyValueConfiguration.builder().name("CONFIG").storageType(StorageType.Memory).build());
			KeyValue kv = connection.keyValue("CONFIG");
			kv.put("flags.dark-mode", "{\"enabled\":true,\"rollout\":50}");
			kv.put("flags.beta", "{\"enabled\":false,\"rollout\":0}");
			kv.put("limits.rate", "100");
			kv.put("regions", "[\"eu\",\"us\"]");
			this.runner.withUserConfiguration(Views.class).run((context) -> {
				KvView<Flag> flags = context.getBean("flags", KvView.class);
				KvView<String> all = context.getBean("all", KvView.class);
				// loaded before the application is up
				assertThat(flags.isReady()).isTrue();
				assertThat(flags.asMap()).containsExactly(Map.entry("beta", new Flag(false, 0)),
						Map.entry("dark-mode", new Flag(true, 50)));
				assertThat(all.keys()).containsExactly("flags.beta", "flags.dark-mode", "limits.rate", "regions");
				assertThat(all.get("limits.rate")).isEqualTo("100");
				assertThat(context.getBean(Views.class).ready).extracting(KvWatchReadyEvent::getId)
					.containsExactlyInAnyOrder("flags", "all", "regions");
				KvView<List<String>> regions = context.getBean("regions", KvView.class);
				assertThat(regions.get("regions")).containsExactly("eu", "us");

				long start = System.nanoTime();
				kv.put("flags.new-checkout", "{\"enabled\":true,\"rollout\":10}");
				await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1))
					.until(() -> flags.containsKey("new-checkout"));
				System.out.println("KvView reflected a put after " + (System.nanoTime() - start) / 1000 + " µs");
				assertThat(flags.get("new-checkout")).isEqualTo(new Flag(true, 10));

				kv.put("flags.dark-mode", "{\"enabled\":false,\"rollout\":0}");
				await().atMost(Duration.ofSeconds(2))
					.untilAsserted(() -> assertThat(flags.get("dark-mode")).isEqualTo(new Flag(false, 0)));
				kv.delete("flags.beta");
				await().atMost(Duration.ofSeconds(2)).until(() -> !flags.containsKey("beta"));
				assertThat(flags.find("beta")).isEmpty();
				assertThat(flags.getOrDefault("beta", new Flag(false, -1))).isEqualTo(new Flag(false, -1));
				kv.put("flags.broken", "not json");
				kv.put("limits.rate", "200");
				await().atMost(Duration.ofSeconds(2)).until(() -> "200".equals(all.get("limits.rate")));
				await().atMost(Duration.ofSeconds(2)).until(() -> flags.getRevision() >= 8);
				assertThat(flags.keys()).containsExactly("dark-mode", "new-checkout");

				Health health = KvWatchTests.health(context, "flags");
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("kind", "view")
					.containsEntry("bucket", "CONFIG")
					.containsEntry("keys", List.of("flags.>"))
					.containsEntry("prefix", "flags.")
					.containsEntry("size", 2)
					.containsEntry("conversionFailures", 1L)
					.containsEntry("state", "WATCHING");
				assertThat(context.getBean(FlagService.class).isEnabled("dark-mode")).isFalse();
				assertThat(context.getBean(FlagService.class).isEnabled("new-checkout")).isTrue();
			});
		}
	}

	record Flag(boolean enabled, int rollout) {
	}

	static class FlagService {

		private final KvView<Flag> flags;

		FlagService(KvView<Flag> flags) {
			this.flags = flags;
		}

		boolean isEnabled(String name) {
			return this.flags.find(name).map(Flag::enabled).orElse(false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Views {

		final List<KvWatchReadyEvent> ready = new CopyOnWriteArrayList<>();

		@Bean
		KvView<Flag> flags() {
			return KvView.builder("${app.flags-bucket}", Flag.class).prefix("flags.").build();
		}

		@Bean
		KvView<String> all() {
			return KvView.of("CONFIG", String.class);
		}

		@Bean
		KvView<List<String>> regions() {
			return KvView.builder("CONFIG", new ParameterizedTypeReference<List<String>>() {
			}).keys("regions").build();
		}

		@Bean
		FlagService flagService(KvView<Flag> flags) {
			return new FlagService(flags);
		}

		@EventListener
		void ready(KvWatchReadyEvent event) {
			this.ready.add(event);
		}

	}

}
