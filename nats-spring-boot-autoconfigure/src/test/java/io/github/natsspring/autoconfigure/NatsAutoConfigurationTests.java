package io.github.natsspring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.github.natsspring.connection.CredentialsAuthHandler;
import io.github.natsspring.connection.NKeySeedAuthHandler;
import io.github.natsspring.connection.NatsConnectionDetails;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.core.DefaultNatsMessageConverter;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.testsupport.FailureAnalyzers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring: every property reaches the jnats Options it names, beans back off, bad configuration fails clearly.
 * Nothing here connects (no server is reachable on the port used), which also shows startup needs no NATS.
 */
class NatsAutoConfigurationTests {

	private static final String NOWHERE = "nats://127.0.0.1:1";

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + NOWHERE, "nats.reconnect.wait=1s");

	@Test
	void everyPropertyReachesTheOptions() {
		this.runner
			.withPropertyValues("nats.servers=nats://a.example:4222,tls://b.example:4443", "nats.connection-name=billing",
					"nats.username=app", "nats.password=secret", "nats.connection-timeout=3s", "nats.ping-interval=45s",
					"nats.reconnect.max-attempts=7", "nats.reconnect.wait=750ms", "nats.reconnect.jitter=50ms",
					"nats.reconnect.jitter-tls=2s", "nats.reconnect.buffer-size=1MB", "nats.inbox-prefix=_MY_INBOX.",
					"nats.no-echo=true", "nats.ssl.handshake-first=true")
			.run((context) -> {
				Options options = context.getBean(Options.class);
				assertThat(options.getServers()).extracting(Object::toString)
					.containsExactly("nats://a.example:4222", "tls://b.example:4443");
				assertThat(options.getConnectionName()).isEqualTo("billing");
				assertThat(new String(options.getUsernameChars())).isEqualTo("app");
				assertThat(new String(options.getPasswordChars())).isEqualTo("secret");
				assertThat(options.getConnectionTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(options.getPingInterval()).isEqualTo(Duration.ofSeconds(45));
				assertThat(options.getMaxReconnect()).isEqualTo(7);
				assertThat(options.getReconnectWait()).isEqualTo(Duration.ofMillis(750));
				assertThat(options.getReconnectJitter()).isEqualTo(Duration.ofMillis(50));
				assertThat(options.getReconnectJitterTls()).isEqualTo(Duration.ofSeconds(2));
				assertThat(options.getReconnectBufferSize()).isEqualTo(1024 * 1024);
				assertThat(options.getInboxPrefix()).isEqualTo("_MY_INBOX.");
				assertThat(options.isNoEcho()).isTrue();
				assertThat(options.isTlsFirst()).isTrue();
				assertThat(options.isReportNoResponders()).isTrue();
				NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
				assertThat(manager.getServers()).containsExactly("nats://a.example:4222", "tls://b.example:4443");
				assertThat(context.getBean(NatsProperties.class).toString()).doesNotContain("secret");
				NatsProperties withUserInfo = new NatsProperties();
				withUserInfo.setServers(List.of("nats://ops:url-secret@host:4222"));
				assertThat(withUserInfo.toString()).contains("host:4222").doesNotContain("url-secret");
				assertThat(context.getBean(NatsTemplate.class).getDefaultTimeout()).isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void defaultsAreSensible() {
		this.runner.withPropertyValues("spring.application.name=invoicing").run((context) -> {
			Options options = context.getBean(Options.class);
			assertThat(options.getConnectionName()).isEqualTo("invoicing");
			assertThat(options.getMaxReconnect()).isEqualTo(-1);
			assertThat(options.getReconnectBufferSize()).isEqualTo(8 * 1024 * 1024);
			NatsProperties properties = context.getBean(NatsProperties.class);
			assertThat(properties.getDrainTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.isFailFast()).isFalse();
		});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(Options.class).getServers()).extracting(Object::toString)
				.containsExactly("nats://localhost:4222"));
	}

	@Test
	void nkeyAndCredentialsUseResourceBackedAuthHandlers() throws Exception {
		Path seed = Files.writeString(this.dir.resolve("user.nk"), new String(NKey.createUser(null).getSeed()));
		this.runner.withPropertyValues("nats.nkey=file:" + seed)
			.run((context) -> assertThat(context.getBean(Options.class).getAuthHandler())
				.isInstanceOf(NKeySeedAuthHandler.class));
		Path creds = Files.writeString(this.dir.resolve("user.creds"), "x");
		this.runner.withPropertyValues("nats.credentials=file:" + creds)
			.run((context) -> assertThat(context.getBean(Options.class).getAuthHandler())
				.isInstanceOf(CredentialsAuthHandler.class));
	}

	@Test
	void contradictoryOrIncompleteConfigurationFailsWithTheProperty() {
		this.runner.withPropertyValues("nats.username=app", "nats.password=p", "nats.token=t").run((context) -> {
			assertThat(context).hasFailed();
			String text = FailureAnalyzers.analyze(context.getStartupFailure()).getDescription();
			assertThat(text).contains("more than one authentication method").doesNotContain("=p").doesNotContain("t]");
		});
		this.runner.withPropertyValues("nats.username=app").run((context) -> assertThat(
				FailureAnalyzers.analyze(context.getStartupFailure()).getDescription()).contains("nats.password"));
		this.runner.withPropertyValues("nats.nkey=file:" + this.dir.resolve("missing.nk")).run((context) -> {
			var analysis = FailureAnalyzers.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("nats.nkey").contains("does not exist");
		});
		this.runner.withPropertyValues("nats.ssl.bundle=missing").run((context) -> {
			var analysis = FailureAnalyzers.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("nats.ssl.bundle");
			assertThat(analysis.getAction()).contains("spring.ssl.bundle");
		});
		this.runner.withPropertyValues("nats.servers=nats://").run((context) -> assertThat(
				FailureAnalyzers.analyze(context.getStartupFailure()).getDescription()).contains("nats.servers"));
	}

	@Test
	void connectionDetailsBeanWinsOverProperties() {
		this.runner.withUserConfiguration(CustomDetails.class).run((context) -> {
			assertThat(context).doesNotHaveBean(PropertiesNatsConnectionDetails.class);
			assertThat(context.getBean(Options.class).getServers()).extracting(Object::toString)
				.containsExactly("nats://details.example:4222");
		});
	}

	@Test
	void customizersRunInOrderAfterProperties() {
		this.runner.withUserConfiguration(Customizers.class).withPropertyValues("nats.connection-name=from-properties")
			.run((context) -> {
				Options options = context.getBean(Options.class);
				assertThat(options.getConnectionName()).isEqualTo("second");
				assertThat(options.getBufferSize()).isEqualTo(128 * 1024);
			});
	}

	@Test
	void everyBeanCanBeReplaced() {
		this.runner.withUserConfiguration(Replacements.class).run((context) -> {
			assertThat(context.getBean(NatsMessageConverter.class)).isSameAs(Replacements.converter);
			assertThat(context.getBean(NatsTemplate.class)).isSameAs(context.getBean("myTemplate"));
			assertThat(context).hasSingleBean(NatsListenerEndpointRegistry.class);
			assertThat(context).hasSingleBean(Connection.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomDetails {

		@Bean
		NatsConnectionDetails natsConnectionDetails() {
			return () -> List.of("nats://details.example:4222");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		@Order(2)
		NatsOptionsBuilderCustomizer second() {
			return (builder) -> builder.connectionName("second");
		}

		@Bean
		@Order(1)
		NatsOptionsBuilderCustomizer first() {
			return (builder) -> builder.connectionName("first").bufferSize(128 * 1024);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Replacements {

		static final NatsMessageConverter converter = new DefaultNatsMessageConverter(null);

		@Bean
		NatsMessageConverter myConverter() {
			return converter;
		}

		@Bean
		NatsTemplate myTemplate(NatsConnectionManager manager) {
			return new NatsTemplate(manager::getConnection, converter, Duration.ofSeconds(1));
		}

	}

}
