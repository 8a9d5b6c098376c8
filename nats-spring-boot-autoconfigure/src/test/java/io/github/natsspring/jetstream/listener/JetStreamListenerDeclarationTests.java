package io.github.natsspring.jetstream.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.test.NatsServer;
import io.github.natsspring.test.NatsServerExtension;
import io.github.natsspring.testsupport.FailureAnalyzers;

import static io.github.natsspring.jetstream.listener.JetStreamTesting.consumer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a {@code @JetStreamListener} declares and what fails at startup: bad signatures and attributes (named with
 * the method), consumers declared in configuration, consumers and dead-letter subjects that cannot work, and a
 * listener that starts once NATS comes up late.
 */
@ExtendWith(OutputCaptureExtension.class)
class JetStreamListenerDeclarationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	final ApplicationContextRunner runner = JetStreamTesting.runner(nats.url())
		.withPropertyValues("nats.jetstream.streams[DECL].subjects=decl.>", "nats.jetstream.streams[DECL].storage=memory");

	@Test
	void badSignaturesAndAttributesFailStartupNamingTheMethod() {
		assertStartupFails(AckWithoutManual.class, "AckWithoutManual.handle(String, Acknowledgment)",
				"needs ackMode = \"manual\"");
		assertStartupFails(ManualWithoutAck.class, "ManualWithoutAck.handle(String)",
				"ackMode = \"manual\" but the method cannot acknowledge");
		assertStartupFails(TwoPayloads.class, "TwoPayloads.handle(String, String)", "more than one payload parameter");
		assertStartupFails(OrderedWithConsumer.class, "OrderedWithConsumer.handle(String)",
				"an ordered listener uses an ephemeral consumer");
		assertStartupFails(NoConsumer.class, "NoConsumer.handle(String)", "consumer (the durable name) is required");
		assertStartupFails(BadDuration.class, "BadDuration.handle(String)", "ackWait: cannot read 'soon'");
		assertStartupFails(BadAckMode.class, "BadAckMode.handle(String)", "ackMode must be auto or manual");
		assertStartupFails(SendToFromVoid.class, "SendToFromVoid.handle(String)", "but the method returns nothing");
		assertStartupFails(BadConsumerName.class, "BadConsumerName.handle(String)", "is not a valid name");
	}

	@Test
	void propertiesBindIntoTheListenerDefaults() {
		this.runner
			.withPropertyValues("nats.jetstream.listener.max-deliver=7", "nats.jetstream.listener.nak-delay=2s,20s",
					"nats.jetstream.listener.batch-size=50", "nats.jetstream.listener.max-bytes=1MB",
					"nats.jetstream.listener.dead-letter.subject-prefix=parked",
					"nats.jetstream.listener.dead-letter.stream=PARKED_ALL",
					"nats.jetstream.listener.dead-letter.max-age=7d", "nats.jetstream.listener.dedupe.ttl=1h",
					"nats.jetstream.listener.max-in-progress=3m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JetStreamListenerDefaults defaults = context.getBean(JetStreamListenerSupport.class).getDefaults();
				assertThat(defaults.maxDeliver()).isEqualTo(7);
				assertThat(defaults.nakDelay()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(20));
				assertThat(defaults.batchSize()).isEqualTo(50);
				assertThat(defaults.batchSize(200)).isEqualTo(50);
				assertThat(defaults.maxInProgress()).isEqualTo(Duration.ofMinutes(3));
				assertThat(defaults.maxBytes()).isEqualTo(1024 * 1024);
				assertThat(defaults.deadLetterSubjectPrefix()).isEqualTo("parked");
				assertThat(defaults.deadLetterStream().name()).isEqualTo("PARKED_ALL");
				assertThat(defaults.deadLetterStream().subjects()).containsExactly("parked.>");
				assertThat(defaults.deadLetterStream().maxAge()).isEqualTo(Duration.ofDays(7));
				assertThat(defaults.dedupeTtl()).isEqualTo(Duration.ofHours(1));
			});
		// unset: 100, or twice the concurrency when that is more
		assertThat(JetStreamListenerDefaults.standard().batchSize(1)).isEqualTo(100);
		assertThat(JetStreamListenerDefaults.standard().batchSize(64)).isEqualTo(128);
		this.runner.withPropertyValues("nats.jetstream.listener.dead-letter.subject-prefix=dlq.>").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
				.contains("nats.jetstream.listener.dead-letter.subject-prefix");
		});
	}

	@Test
	@Tag("compat")
	void aConsumerDeclaredInConfigurationIsUsedAndMergedWithTheAnnotation(CapturedOutput output) throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[DECL].consumers[configured].ack-wait=3s",
					"nats.jetstream.streams[DECL].consumers[configured].max-deliver=4",
					"nats.jetstream.streams[DECL].consumers[configured].filter-subjects=decl.configured")
			.withUserConfiguration(ConfiguredConsumer.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection raw = Nats.connect(nats.url())) {
					ConsumerInfo info = consumer(raw, "DECL", "configured");
					assertThat(info.getConsumerConfiguration().getAckWait()).isEqualTo(Duration.ofSeconds(3));
					assertThat(info.getConsumerConfiguration().getMaxDeliver()).isEqualTo(4);
					assertThat(info.getConsumerConfiguration().getMaxAckPending()).isEqualTo(20);
					assertThat(info.getConsumerConfiguration().getFilterSubject()).isEqualTo("decl.configured");
				}
				PullConsumerContainer container = (PullConsumerContainer) context
					.getBean(NatsListenerEndpointRegistry.class)
					.getContainer("configured");
				assertThat(container.describe()).containsEntry("maxDeliver", 4).containsEntry("ackWait", "PT3S");
				// the server's own limit leaves no delivery for a dead letter that failed: said at startup
				assertThat(output).contains("has max-deliver 4 on the server");
			});
		this.runner
			.withPropertyValues("nats.jetstream.streams[DECL].consumers[clash].ack-wait=3s")
			.withUserConfiguration(ClashingConsumer.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
					.contains("ack-wait").contains("declared twice with different values");
			});
	}

	@Test
	@Tag("compat")
	void unusableConsumersAndDeadLetterSubjectsFailStartup() throws Exception {
		try (Connection raw = Nats.connect(nats.url())) {
			JetStreamManagement jsm = raw.jetStreamManagement();
			jsm.addStream(StreamConfiguration.builder().name("LEGACY").subjects("legacy.>")
				.storageType(StorageType.Memory).build());
			jsm.addOrUpdateConsumer("LEGACY", ConsumerConfiguration.builder().durable("no-acks")
				.ackPolicy(AckPolicy.None).build());
		}
		this.runner.withPropertyValues("nats.jetstream.reconcile.mode=off")
			.withUserConfiguration(NoAcksConsumer.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
					.contains("LEGACY/no-acks").contains("ack policy none").contains("needs ack policy explicit");
			});
		this.runner.withUserConfiguration(NoAcksConsumer.class).run((context) -> {
			// with reconciliation on, the immutable ack policy is a conflict the reconciler reports
			assertThat(context).hasFailed();
			assertThat(FailureAnalyzers.analyze(context.getStartupFailure()).getDescription()).contains("no-acks")
				.contains("ack-policy");
		});
		this.runner.withUserConfiguration(UncapturedDeadLetters.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
				.contains("no stream captures the dead-letter subject 'nowhere.decl'");
		});
		this.runner.withPropertyValues("nats.jetstream.reconcile.mode=validate")
			.withUserConfiguration(MissingConsumer.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
					.contains("DECL/missing");
			});
		// de-duplication asked for, but its bucket is missing and validate mode may not create it
		try (Connection raw = Nats.connect(nats.url())) {
			raw.jetStreamManagement().addOrUpdateConsumer("LEGACY", ConsumerConfiguration.builder().durable("dedupe")
				.ackPolicy(AckPolicy.Explicit).maxDeliver(-1).build());
		}
		this.runner
			.withPropertyValues("nats.jetstream.reconcile.mode=validate",
					"nats.jetstream.listener.dedupe.bucket=missing-bucket")
			.withUserConfiguration(DedupeWithoutBucket.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
					.contains("dedupe = \"sequence\"").contains("'missing-bucket' does not exist");
			});
	}

	@Test
	void aListenerStartsOnceNatsComesUpLate() throws Exception {
		int port;
		try (NatsServer probe = NatsServer.builder().jetStream(true).build().start()) {
			port = probe.port();
		}
		JetStreamTesting.runner("nats://127.0.0.1:" + port)
			.withPropertyValues("nats.reconnect.wait=200ms", "nats.jetstream.streams[LATE].subjects=late.>",
					"nats.jetstream.streams[LATE].storage=memory")
			.withUserConfiguration(LateListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LateListener listener = context.getBean(LateListener.class);
				try (NatsServer server = NatsServer.builder().jetStream(true).port(port).build().start();
						Connection raw = Nats.connect(server.url())) {
					await().atMost(Duration.ofSeconds(10))
						.until(() -> context.getBean(NatsListenerEndpointRegistry.class).getContainer("late").isHealthy());
					raw.jetStream().publish("late.x", "hello".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(5)).until(() -> listener.received.contains("hello"));
					context.close();
				}
			});
	}

	private void assertStartupFails(Class<?> configuration, String method, String problem) {
		this.runner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasFailed();
			String description = FailureAnalyzers.analyze(context.getStartupFailure()).getDescription();
			assertThat(description).contains(method).contains(problem);
		});
	}

	// --- declarations ----------------------------------------------------------------------------------------------

	@Configuration(proxyBeanMethods = false)
	static class AckWithoutManual {

		@JetStreamListener(stream = "DECL", consumer = "a")
		void handle(String payload, Acknowledgment ack) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ManualWithoutAck {

		@JetStreamListener(stream = "DECL", consumer = "a", ackMode = "manual")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPayloads {

		@JetStreamListener(stream = "DECL", consumer = "a")
		void handle(String one, String two) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedWithConsumer {

		@JetStreamListener(stream = "DECL", consumer = "a", ordered = "true")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoConsumer {

		@JetStreamListener(stream = "DECL")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadDuration {

		@JetStreamListener(stream = "DECL", consumer = "a", ackWait = "${decl.ack-wait:soon}")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadAckMode {

		@JetStreamListener(stream = "DECL", consumer = "a", ackMode = "sometimes")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SendToFromVoid {

		@JetStreamListener(stream = "DECL", consumer = "a", sendTo = "results")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadConsumerName {

		@JetStreamListener(stream = "DECL", consumer = "a.b")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConfiguredConsumer {

		@JetStreamListener(id = "configured", stream = "DECL", consumer = "configured", maxAckPending = "20")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClashingConsumer {

		@JetStreamListener(stream = "DECL", consumer = "clash", ackWait = "5s")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoAcksConsumer {

		@JetStreamListener(stream = "LEGACY", consumer = "no-acks")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UncapturedDeadLetters {

		@JetStreamListener(stream = "DECL", consumer = "uncaptured", deadLetterSubject = "nowhere.decl")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DedupeWithoutBucket {

		@JetStreamListener(stream = "LEGACY", consumer = "dedupe", dedupe = "sequence", deadLetter = "false")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MissingConsumer {

		@JetStreamListener(stream = "DECL", consumer = "missing")
		void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LateListener {

		final Set<String> received = ConcurrentHashMap.newKeySet();

		@JetStreamListener(id = "late", stream = "LATE", consumer = "late")
		void handle(String payload) {
			this.received.add(payload);
		}

	}

}
