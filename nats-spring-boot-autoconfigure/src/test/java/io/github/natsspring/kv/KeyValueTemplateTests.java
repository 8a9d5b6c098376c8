package io.github.natsspring.kv;

import java.util.List;
import java.util.OptionalLong;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueOperation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.core.NatsNotConnectedException;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Declared key-value buckets are beans, injectable by bucket name, with a typed template for values, locks and
 * compare-and-set.
 */
@Tag("compat")
class KeyValueTemplateTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withUserConfiguration(Settings.class)
		.withPropertyValues("nats.drain-timeout=1s", "nats.jetstream.key-value[CONFIG].history=5",
				"nats.jetstream.key-value[LOCKS].ttl=1m");

	@Test
	void bucketsAreInjectableByNameAndTheTemplateConvertsValues() {
		this.runner.withPropertyValues("nats.servers=" + nats.url()).run((context) -> {
			Settings settings = context.getBean(Settings.class);
			assertThat(settings.config.getBucketName()).isEqualTo("CONFIG");
			assertThat(settings.locks.getBucketName()).isEqualTo("LOCKS");
			KeyValueTemplate config = settings.configTemplate;

			long first = config.put("limits", new Limits("acme", 10));
			assertThat(config.get("limits", Limits.class)).isEqualTo(new Limits("acme", 10));
			assertThat(new String(settings.config.get("limits").getValue())).isEqualTo("{\"tenant\":\"acme\",\"max\":10}");
			KeyValueItem<Limits> item = config.getItem("limits", Limits.class);
			assertThat(item.revision()).isEqualTo(first);

			long second = config.update("limits", new Limits("acme", 20), item.revision());
			assertThatExceptionOfType(KeyValueRevisionConflictException.class)
				.isThrownBy(() -> config.update("limits", new Limits("acme", 30), item.revision()))
				.satisfies((ex) -> {
					assertThat(ex.getKey()).isEqualTo("limits");
					assertThat(ex.getExpectedRevision()).isEqualTo(first);
				});
			assertThat(config.get("limits", Limits.class).max()).isEqualTo(20);

			config.put("greeting", "hello");
			assertThat(config.get("greeting", String.class)).isEqualTo("hello");
			assertThat(config.keys()).containsExactlyInAnyOrder("limits", "greeting");
			List<KeyValueItem<Limits>> history = config.history("limits", Limits.class);
			assertThat(history).extracting(KeyValueItem::revision).containsExactly(first, second);

			config.delete("greeting");
			assertThat(config.get("greeting", String.class)).isNull();
			assertThat(config.history("greeting", String.class)).extracting(KeyValueItem::operation)
				.containsExactly(KeyValueOperation.PUT, KeyValueOperation.DELETE);
			config.purge("limits");
			assertThat(config.getItem("limits", Limits.class)).isNull();
			assertThat(config.get("never-written", String.class)).isNull();
		});
	}

	@Test
	void createIfAbsentWorksAsALock() {
		this.runner.withPropertyValues("nats.servers=" + nats.url()).run((context) -> {
			KeyValueTemplate locks = context.getBean(Settings.class).locksTemplate;
			OptionalLong mine = locks.createIfAbsent("invoice-run", "instance-a");
			assertThat(mine).isPresent();
			assertThat(locks.createIfAbsent("invoice-run", "instance-b")).isEmpty();
			assertThatExceptionOfType(KeyValueRevisionConflictException.class)
				.isThrownBy(() -> locks.delete("invoice-run", mine.getAsLong() + 1));
			locks.delete("invoice-run", mine.getAsLong());
			assertThat(locks.createIfAbsent("invoice-run", "instance-b")).isPresent();
			assertThat(locks.get("invoice-run", String.class)).isEqualTo("instance-b");
		});
	}

	@Test
	void bucketBeansDoNoIoUntilUsed() {
		this.runner.withPropertyValues("nats.servers=nats://127.0.0.1:1").run((context) -> {
			assertThat(context).hasNotFailed();
			KeyValue config = context.getBean(Settings.class).config;
			assertThat(config.getBucketName()).isEqualTo("CONFIG");
			assertThat(config).hasToString("KeyValue[CONFIG]");
			assertThatExceptionOfType(NatsNotConnectedException.class).isThrownBy(() -> config.get("x"));
			assertThatExceptionOfType(NatsNotConnectedException.class)
				.isThrownBy(() -> context.getBean(Settings.class).configTemplate.put("x", "y"));
		});
	}

	record Limits(String tenant, int max) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Settings {

		final KeyValue config;

		final KeyValue locks;

		final KeyValueTemplate configTemplate;

		final KeyValueTemplate locksTemplate;

		Settings(@Qualifier("CONFIG") KeyValue config, @Qualifier("LOCKS") KeyValue locks,
				@Qualifier("CONFIG") KeyValueTemplate configTemplate, @Qualifier("LOCKS") KeyValueTemplate locksTemplate) {
			this.config = config;
			this.locks = locks;
			this.configTemplate = configTemplate;
			this.locksTemplate = locksTemplate;
		}

	}

}
