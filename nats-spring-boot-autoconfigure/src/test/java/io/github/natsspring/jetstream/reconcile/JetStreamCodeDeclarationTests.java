package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Declarations made in code: declaration beans merged with configuration, and the reconciler API that listeners use
 * to ensure their consumers and dead-letter streams.
 */
@ExtendWith(OutputCaptureExtension.class)
class JetStreamCodeDeclarationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	static Connection raw;

	static JetStreamManagement jsm;

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=1s");

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(nats.url());
		jsm = raw.jetStreamManagement();
	}

	@AfterAll
	static void close() throws Exception {
		raw.close();
	}

	@Test
	void declarationBeansAreMergedWithConfiguration() throws Exception {
		this.runner.withUserConfiguration(BeanTopology.class)
			.withPropertyValues("nats.jetstream.streams[BEAN_1].subjects=bean1.>",
					"nats.jetstream.streams[BEAN_1].max-age=1h",
					"nats.jetstream.streams[BEAN_1].consumers[worker].ack-wait=5s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JetStreamTopology topology = context.getBean(JetStreamTopology.class);
				assertThat(topology.getStreams()).singleElement()
					.satisfies((stream) -> assertThat(stream.origin()).hasToString("nats.jetstream.streams[BEAN_1]"));
			});
		StreamConfiguration stream = jsm.getStreamInfo("BEAN_1").getConfiguration();
		assertThat(stream.getMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(stream.getDescription()).isEqualTo("from code");
		assertThat(jsm.getConsumerNames("BEAN_1")).containsExactlyInAnyOrder("worker", "audit");
		assertThat(jsm.getConsumerInfo("BEAN_1", "audit").getConsumerConfiguration().getAckWait())
			.isEqualTo(Duration.ofSeconds(15));
		assertThat(jsm.getStreamNames()).contains("KV_BEAN_LOCKS");
	}

	@Test
	void theSameResourceDeclaredTwiceWithDifferentSettingsFailsStartup() throws Exception {
		this.runner.withUserConfiguration(ConflictingBean.class)
			.withPropertyValues("nats.jetstream.streams[BEAN_2].subjects=bean2.>",
					"nats.jetstream.streams[BEAN_2].max-age=1h")
			.run((context) -> {
				assertThat(context).hasFailed();
				var analysis = FailureAnalysisSupport.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("nats.jetstream.streams[BEAN_2].max-age")
					.contains("declared twice with different values: 1h (nats.jetstream.streams[BEAN_2]) and 2h "
							+ "(bean 'conflicting')");
				assertThat(analysis.getAction()).contains("Declare max-age in one place only");
			});
		assertThat(jsm.getStreamNames()).doesNotContain("BEAN_2");
	}

	@Test
	void consumersAndStreamsEnsuredFromCodeFollowTheSameRules() throws Exception {
		this.runner.withUserConfiguration(EventCollector.class)
			.withPropertyValues("nats.jetstream.streams[ENS_1].subjects=ens1.>",
					"nats.jetstream.streams[ENS_1].consumers[w].max-deliver=3")
			.run((context) -> {
				JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
				ConsumerDeclaration listener = ConsumerDeclaration.builder("listener")
					.ackWait(Duration.ofSeconds(10))
					.maxDeliver(4)
					.filterSubjects("ens1.created")
					.build();
				assertThat(reconciler.ensureConsumer("ENS_1", listener).status()).isEqualTo(ResourceStatus.CREATED);
				assertThat(reconciler.ensureConsumer("ENS_1", listener).status()).isEqualTo(ResourceStatus.UNCHANGED);
				ConsumerConfiguration created = jsm.getConsumerInfo("ENS_1", "listener").getConsumerConfiguration();
				assertThat(created.getAckWait()).isEqualTo(Duration.ofSeconds(10));
				assertThat(created.getFilterSubject()).isEqualTo("ens1.created");

				// a consumer also configured is merged with its configuration; contradicting it is an error
				assertThatExceptionOfType(InvalidDeclarationException.class)
					.isThrownBy(() -> reconciler.ensureConsumer("ENS_1",
							ConsumerDeclaration.builder("w").maxDeliver(5).build()))
					.withMessageContaining("nats.jetstream.streams[ENS_1].consumers[w].max-deliver");
				ResourceReport merged = reconciler.ensureConsumer("ENS_1",
						ConsumerDeclaration.builder("w").ackWait(Duration.ofSeconds(7)).build());
				assertThat(merged.status()).isEqualTo(ResourceStatus.UPDATED);
				ConsumerConfiguration w = jsm.getConsumerInfo("ENS_1", "w").getConsumerConfiguration();
				assertThat(w.getAckWait()).isEqualTo(Duration.ofSeconds(7));
				assertThat(w.getMaxDeliver()).isEqualTo(3);

				// an immutable change fails like at startup, and leaves the consumer alone
				assertThatExceptionOfType(JetStreamReconcileException.class)
					.isThrownBy(() -> reconciler.ensureConsumer("ENS_1",
							ConsumerDeclaration.builder("listener").ackPolicy(AckPolicy.None).build()))
					.withMessageContaining("ack-policy: declared none, actual explicit")
					.satisfies((ex) -> assertThat(ex.isNothingWritten()).isTrue());
				assertThat(jsm.getConsumerInfo("ENS_1", "listener").getConsumerConfiguration().getAckPolicy())
					.isEqualTo(AckPolicy.Explicit);

				// a dead-letter stream declared by code
				ReconcileReport dlq = reconciler.ensureStream(StreamDeclaration.builder("ENS_DLQ")
					.subjects("dlq.ens1.>")
					.storage(StorageType.File)
					.maxAge(Duration.ofDays(7))
					.consumer(ConsumerDeclaration.builder("dlq-reader").build())
					.build());
				assertThat(dlq.resources()).extracting(ResourceReport::status)
					.containsExactly(ResourceStatus.CREATED, ResourceStatus.CREATED);
				assertThat(jsm.getStreamInfo("ENS_DLQ").getConfiguration().getMaxAge()).isEqualTo(Duration.ofDays(7));
				assertThat(reconciler.getTopology().getStream("ENS_DLQ")).isPresent();

				// the report bean and the health group know everything, including what code ensured
				ReconcileReport report = reconciler.getReport();
				assertThat(report.findConsumer("ENS_1", "listener")).isPresent();
				assertThat(report.find(ResourceKind.STREAM, "ENS_DLQ")).isPresent();
				HealthIndicator consumers = (HealthIndicator) context.getBean(JetStreamHealthGroup.class)
					.getMembers()
					.get("consumers");
				// the refused declaration stays visible: its listener would not get the consumer it asked for
				assertThat(consumers.health().getStatus()).isEqualTo(Status.DOWN);
				assertThat(consumers.health().getDetails()).containsKeys("ENS_1/w", "ENS_1/listener",
						"ENS_DLQ/dlq-reader");
				assertThat(consumers.health().getDetails().get("ENS_1/listener")).asString().contains("CONFLICT");
				HealthIndicator streams = (HealthIndicator) context.getBean(JetStreamHealthGroup.class)
					.getMembers()
					.get("streams");
				assertThat(streams.health().getStatus()).isEqualTo(Status.UP);
				List<ReconcileReport> events = context.getBean(EventCollector.class).reports;
				assertThat(events).hasSizeGreaterThanOrEqualTo(5);
				assertThat(events.get(0).find(ResourceKind.STREAM, "ENS_1")).isPresent();
			});
	}

	@Test
	void aDeletedStreamIsReconciledAgainOnRequestWithItsConsumers() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[RE_1].subjects=re1.>",
					"nats.jetstream.streams[RE_1].max-age=1h",
					"nats.jetstream.streams[RE_1].consumers[w].max-deliver=3")
			.run((context) -> {
				JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
				ConsumerDeclaration listener = ConsumerDeclaration.builder("listener")
					.ackWait(Duration.ofSeconds(10))
					.build();
				assertThat(reconciler.ensureConsumer("RE_1", listener).status()).isEqualTo(ResourceStatus.CREATED);
				reconciler.ensureStream(StreamDeclaration.builder("RE_DLQ").subjects("dlq.re1.>").build());
				jsm.deleteStream("RE_1");
				jsm.deleteStream("RE_DLQ");

				// the consumer alone cannot come back: its stream is missing
				assertThatExceptionOfType(JetStreamReconcileException.class)
					.isThrownBy(() -> reconciler.ensureConsumer("RE_1", listener))
					.withMessageContaining("failed consumer RE_1/listener");

				ReconcileReport again = reconciler.reconcileStream("RE_1");
				assertThat(again.resources()).extracting(ResourceReport::describe, ResourceReport::status)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("stream RE_1", ResourceStatus.CREATED),
							org.assertj.core.groups.Tuple.tuple("consumer RE_1/w", ResourceStatus.CREATED),
							org.assertj.core.groups.Tuple.tuple("consumer RE_1/listener", ResourceStatus.CREATED));
				assertThat(jsm.getStreamInfo("RE_1").getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(1));
				assertThat(jsm.getConsumerInfo("RE_1", "w").getConsumerConfiguration().getMaxDeliver()).isEqualTo(3);
				assertThat(jsm.getConsumerInfo("RE_1", "listener").getConsumerConfiguration().getAckWait())
					.isEqualTo(Duration.ofSeconds(10));
				assertThat(reconciler.getReport().findConsumer("RE_1", "listener").orElseThrow().status())
					.isEqualTo(ResourceStatus.CREATED);

				// a stream ensured in code is declared too; one declared nowhere cannot be created
				assertThat(reconciler.reconcileStream("RE_DLQ").resources()).extracting(ResourceReport::status)
					.containsExactly(ResourceStatus.CREATED);
				assertThat(jsm.getStreamNames()).contains("RE_DLQ");
				assertThat(reconciler.reconcileStream("RE_UNKNOWN").resources()).isEmpty();
				assertThat(reconciler.reconcileStream("RE_1").resources()).extracting(ResourceReport::status)
					.containsOnly(ResourceStatus.UNCHANGED);
			});
	}

	@Test
	void anAckWaitThatBackoffReplacesIsAWarningNamingBothSettingsAndTheFix(CapturedOutput output) throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[AW_1].subjects=aw1.>",
					"nats.jetstream.streams[AW_1].consumers[w].ack-wait=30s",
					"nats.jetstream.streams[AW_1].consumers[w].max-deliver=4",
					"nats.jetstream.streams[AW_1].consumers[w].backoff=1s,5s,10s",
					"nats.jetstream.streams[AW_1].consumers[same].ack-wait=2s",
					"nats.jetstream.streams[AW_1].consumers[same].backoff=2s,5s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// the server does what the warning says
				assertThat(jsm.getConsumerInfo("AW_1", "w").getConsumerConfiguration().getAckWait())
					.isEqualTo(Duration.ofSeconds(1));
				JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
				// a listener ensuring a consumer again and again does not repeat the warning
				for (int i = 0; i < 2; i++) {
					reconciler.ensureConsumer("AW_1", ConsumerDeclaration.builder("w").build());
					reconciler.ensureConsumer("AW_1", ConsumerDeclaration.builder("code")
						.ackWait(Duration.ofSeconds(20))
						.backoff(Duration.ofSeconds(3))
						.build());
				}
			});
		String configured = "JetStream declaration 'nats.jetstream.streams[AW_1].consumers[w].ack-wait' (30s) has no "
				+ "effect: with 'nats.jetstream.streams[AW_1].consumers[w].backoff' ([1s, 5s, 10s]) declared, the "
				+ "server uses the first backoff step, 1s, as the ack wait, so a message not acknowledged within 1s is "
				+ "delivered again. Remove ack-wait (or set it to 1s); if processing a message may take up to 30s, "
				+ "start backoff with 30s instead.";
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(configured), -1)).hasSize(2);
		String code = "JetStream declaration 'ack-wait of consumer 'code' of stream 'AW_1' declared in code' (20s) has "
				+ "no effect";
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(code), -1)).hasSize(2);
		assertThat(output.getOut()).doesNotContain("consumers[same].ack-wait");
	}

	@Test
	void codeSaysWhyItChangesASettingFoundOnTheServer(CapturedOutput output) throws Exception {
		jsm.addStream(StreamConfiguration.builder().name("WHY_1").subjects("why1.>").build());
		// an operator limited deliveries on the server
		jsm.createConsumer("WHY_1", ConsumerConfiguration.builder().durable("listener").maxDeliver(5).build());
		String why = "the listener counts deliveries itself, so that a message whose dead letter could not be "
				+ "stored comes again";
		this.runner.withPropertyValues("nats.jetstream.streams[WHY_1].subjects=why1.>").run((context) -> {
			JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
			ConsumerDeclaration listener = ConsumerDeclaration.builder("listener").maxDeliver(-1).build();
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> reconciler.ensureConsumer("WHY_1", listener, java.util.Map.of("max-delivery", why)))
				.withMessageContaining("'max-delivery' is not a consumer setting");
			ResourceReport updated = reconciler.ensureConsumer("WHY_1", listener, java.util.Map.of("max-deliver", why));
			assertThat(updated.status()).isEqualTo(ResourceStatus.UPDATED);
			assertThat(updated.differences()).extracting(Difference::toString)
				.containsExactly("max-deliver: declared -1, actual 5 (changed: " + why + ")");
			assertThat(jsm.getConsumerInfo("WHY_1", "listener").getConsumerConfiguration().getMaxDeliver())
				.isEqualTo(-1);

			// the reason stays with the declaration for later reconciliations
			jsm.updateConsumer("WHY_1", ConsumerConfiguration.builder().durable("listener").maxDeliver(7).build());
			ResourceReport again = reconciler.reconcileStream("WHY_1").findConsumer("WHY_1", "listener").orElseThrow();
			assertThat(again.differences()).extracting(Difference::toString)
				.containsExactly("max-deliver: declared -1, actual 7 (changed: " + why + ")");
		});
		assertThat(output.getOut()).contains("updated consumer WHY_1/listener")
			.contains("max-deliver: declared -1, actual 5 (changed: " + why + ")");
	}

	@Configuration(proxyBeanMethods = false)
	static class BeanTopology {

		@Bean
		StreamDeclaration ordersStream() {
			return StreamDeclaration.builder("BEAN_1")
				.description("from code")
				.consumer(ConsumerDeclaration.builder("audit").ackWait(Duration.ofSeconds(15)).build())
				.build();
		}

		@Bean
		KeyValueDeclaration locks() {
			return KeyValueDeclaration.of("BEAN_LOCKS");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConflictingBean {

		@Bean
		StreamDeclaration conflicting() {
			return StreamDeclaration.builder("BEAN_2").maxAge(Duration.ofHours(2)).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EventCollector implements ApplicationListener<JetStreamReconciledEvent> {

		final List<ReconcileReport> reports = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(JetStreamReconciledEvent event) {
			this.reports.add(event.getReport());
		}

	}

}
