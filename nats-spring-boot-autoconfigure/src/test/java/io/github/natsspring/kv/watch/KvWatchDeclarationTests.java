package io.github.natsspring.kv.watch;

import java.util.Optional;

import io.nats.client.Message;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsKvWatchAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.testsupport.FailureAnalyzers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @KvWatch} and {@link KvView} declarations that cannot be served fail at startup naming the method or
 * bean; placeholders resolve. No server is needed: none of this does I/O.
 */
class KvWatchDeclarationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				NatsKvWatchAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues("nats.servers=nats://127.0.0.1:1");

	@Test
	void placeholdersResolveAndEverySupportedParameterIsAccepted() {
		this.runner.withUserConfiguration(Placeholders.class)
			.withPropertyValues("app.bucket=CONFIG", "app.keys=flags.*,limits.>", "app.id=config-watch")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NatsListenerEndpointRegistry registry = context.getBean(NatsListenerEndpointRegistry.class);
				assertThat(registry.getContainer("config-watch").describe()).containsEntry("bucket", "CONFIG")
					.containsEntry("keys", java.util.List.of("flags.*", "limits.>"))
					.containsEntry("state", "STOPPED");
				assertThat(registry.getContainers()
					.stream()
					.filter((container) -> container.getId().endsWith(".everything"))
					.findFirst()
					.orElseThrow()
					.describe())
					.containsEntry("keys", java.util.List.of(">"))
					.containsEntry("options", java.util.List.of("includeHistory", "ignoreDeletes"));
				assertThat(registry.getContainer("flags").describe()).containsEntry("bucket", "CONFIG")
					.containsEntry("keys", java.util.List.of("flags.>"))
					.containsEntry("kind", "view")
					.containsEntry("prefix", "flags.");
			});
	}

	@Test
	void optionsResolvePlaceholdersToBooleans() {
		this.runner.withUserConfiguration(PlaceholderOptions.class)
			.withPropertyValues("app.history=true", "app.deletes=TRUE", "app.meta=false", "app.start=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NatsListenerEndpointRegistry registry = context.getBean(NatsListenerEndpointRegistry.class);
				assertThat(registry.getContainer("options").describe())
					.containsEntry("options", java.util.List.of("includeHistory", "ignoreDeletes"));
				assertThat(registry.getContainer("updates").describe())
					.containsEntry("options", java.util.List.of("updatesOnly"));
				// autoStartup = "${app.start}" is false: the registry does not start it
				assertThat(registry.isExpectedToRun("options")).isFalse();
				assertThat(registry.isExpectedToRun("updates")).isTrue();
			});
	}

	@Test
	void optionThatIsNotABooleanFails() {
		this.runner.withUserConfiguration(NotABoolean.class).withPropertyValues("app.updates-only=yes").run((context) -> {
			assertThat(context).hasFailed();
			String description = FailureAnalyzers.analyze(context.getStartupFailure()).getDescription();
			assertThat(description).contains("NotABoolean.on(KeyValueEntry)")
				.contains("updatesOnly must be true or false, got 'yes' from '${app.updates-only}'");
		});
		this.runner.withUserConfiguration(NotABooleanAutoStartup.class).run((context) -> {
			assertThat(context).hasFailed();
			String description = FailureAnalyzers.analyze(context.getStartupFailure()).getDescription();
			assertThat(description).contains("NotABooleanAutoStartup.on(KeyValueEntry)")
				.contains("autoStartup must be true or false, got 'on'");
		});
	}

	@Test
	void twoValueParametersFail() {
		assertStartupFails(TwoValues.class, "TwoValues.on(String, String)", "more than one value parameter");
	}

	@Test
	void brokerTypesAWatcherDoesNotProvideFail() {
		assertStartupFails(NativeMessage.class, "NativeMessage.on(Message)",
				"cannot receive a io.nats.client.Message");
	}

	@Test
	void primitiveValueParameterFails() {
		assertStartupFails(PrimitiveValue.class, "PrimitiveValue.on(long)", "primitive type long");
	}

	@Test
	void valueParameterOnMetaOnlyWatcherFails() {
		assertStartupFails(MetaOnlyWithValue.class, "MetaOnlyWithValue.on(String)", "metaOnly watchers receive no values");
	}

	@Test
	void invalidKeyFails() {
		assertStartupFails(BadKey.class, "BadKey.on(KeyValueEntry)", "invalid key 'flags.>.x'");
	}

	@Test
	void invalidBucketFails() {
		assertStartupFails(BadBucket.class, "BadBucket.on(KeyValueEntry)", "invalid bucket name 'my.bucket'");
	}

	@Test
	void contradictoryOptionsFail() {
		assertStartupFails(HistoryAndUpdatesOnly.class, "HistoryAndUpdatesOnly.on(KeyValueEntry)",
				"includeHistory and updatesOnly cannot both be set");
	}

	@Test
	void kvTypesAreRejectedByOtherListeners() {
		assertStartupFails(OperationOnNatsListener.class, "OperationOnNatsListener.on(KeyValueOperation)",
				"cannot receive a io.nats.client.api.KeyValueOperation");
	}

	@Test
	void invalidViewFailsNamingTheBean() {
		assertStartupFails(BadView.class, "KvView bean 'badView'", "invalid key 'a b'");
	}

	private void assertStartupFails(Class<?> configuration, String where, String problem) {
		this.runner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasFailed();
			String description = FailureAnalyzers.analyze(context.getStartupFailure()).getDescription();
			assertThat(description).contains(where).contains(problem);
		});
	}

	record Flag(boolean enabled) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Placeholders {

		@KvWatch(bucket = "${app.bucket}", keys = "${app.keys}", id = "${app.id}")
		void on(@Header(KvHeaders.KEY) String key, Flag flag, KeyValueOperation operation, KeyValueEntry entry,
				@Header(KvHeaders.REVISION) long revision, @Header(KvHeaders.INITIAL) boolean initial,
				@Header(KvHeaders.BUCKET) String bucket) {
		}

		@KvWatch(bucket = "CONFIG", includeHistory = "true", ignoreDeletes = "true")
		void everything(Optional<String> value) {
		}

		@Bean
		KvView<Flag> flags() {
			return KvView.builder("${app.bucket}", Flag.class).prefix("flags").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlaceholderOptions {

		@KvWatch(bucket = "CONFIG", id = "options", includeHistory = "${app.history}", ignoreDeletes = " ${app.deletes} ",
				metaOnly = "${app.meta}", autoStartup = "${app.start}")
		void on(KeyValueEntry entry) {
		}

		@KvWatch(bucket = "CONFIG", id = "updates", updatesOnly = "${app.updates:true}", includeHistory = "")
		void updates(KeyValueEntry entry) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NotABoolean {

		@KvWatch(bucket = "CONFIG", updatesOnly = "${app.updates-only}")
		void on(KeyValueEntry entry) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NotABooleanAutoStartup {

		@KvWatch(bucket = "CONFIG", autoStartup = "on")
		void on(KeyValueEntry entry) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoValues {

		@KvWatch(bucket = "CONFIG")
		void on(String key, String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NativeMessage {

		@KvWatch(bucket = "CONFIG")
		void on(Message message) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimitiveValue {

		@KvWatch(bucket = "CONFIG")
		void on(long revision) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MetaOnlyWithValue {

		@KvWatch(bucket = "CONFIG", metaOnly = "true")
		void on(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadKey {

		@KvWatch(bucket = "CONFIG", keys = "flags.>.x")
		void on(KeyValueEntry entry) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadBucket {

		@KvWatch(bucket = "my.bucket")
		void on(KeyValueEntry entry) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HistoryAndUpdatesOnly {

		@KvWatch(bucket = "CONFIG", includeHistory = "true", updatesOnly = "true")
		void on(KeyValueEntry entry) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OperationOnNatsListener {

		@NatsListener(subject = "x")
		void on(KeyValueOperation operation) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadView {

		@Bean
		KvView<String> badView() {
			return KvView.builder("CONFIG", String.class).keys("a b").build();
		}

	}

}
