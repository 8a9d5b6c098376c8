package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.test.NatsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A memory stream is gone after a server restart; the reconciler brings it back once the client reconnects, even
 * when something else is in conflict. An application that starts before NATS reconciles once NATS is there. What the
 * server refused is retried while the application runs.
 */
@Tag("compat")
@ExtendWith(OutputCaptureExtension.class)
class JetStreamReconnectTests {

	final ApplicationContextRunner base = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class))
		.withPropertyValues("nats.drain-timeout=1s", "nats.reconnect.wait=100ms", "nats.reconnect.jitter=10ms");

	final ApplicationContextRunner runner = this.base.withPropertyValues(
			"nats.jetstream.streams[MEM_1].subjects=mem1.>", "nats.jetstream.streams[MEM_1].storage=memory",
			"nats.jetstream.streams[MEM_1].consumers[worker].ack-wait=10s",
			"nats.jetstream.key-value[MEM_KV].storage=memory");

	@Test
	void aMemoryStreamIsBackAfterAServerRestart() {
		try (NatsServer server = NatsServer.startJetStream()) {
			this.runner.withPropertyValues("nats.servers=" + server.url()).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(streamNames(server)).contains("MEM_1", "KV_MEM_KV");
				server.restart();
				await().atMost(Duration.ofSeconds(15))
					.pollInterval(Duration.ofMillis(100))
					.untilAsserted(() -> assertThat(streamNames(server)).contains("MEM_1", "KV_MEM_KV"));
				await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
					try (Connection raw = Nats.connect(server.url())) {
						assertThat(raw.jetStreamManagement().getStreamInfo("MEM_1").getConfiguration().getStorageType())
							.isEqualTo(StorageType.Memory);
						assertThat(raw.jetStreamManagement().getConsumerNames("MEM_1")).containsExactly("worker");
					}
				});
			});
		}
	}

	@Test
	void aMemoryStreamIsBackAfterAServerRestartEvenWhenAnotherStreamIsInConflict() {
		try (NatsServer server = NatsServer.startJetStream()) {
			this.base
				.withPropertyValues("nats.servers=" + server.url(), "nats.jetstream.streams[MEM_2].subjects=mem2.>",
						"nats.jetstream.streams[MEM_2].storage=memory",
						"nats.jetstream.streams[MEM_2].consumers[worker].max-ack-pending=10",
						"nats.jetstream.streams[LOCKED_2].subjects=locked2.>",
						"nats.jetstream.streams[LOCKED_2].deny-delete=false",
						"nats.jetstream.streams[LOCKED_2].max-age=1h")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
					try (Connection raw = Nats.connect(server.url())) {
						// an operator switches deny-delete on, which the declaration says is off: a conflict now
						JetStreamManagement jsm = raw.jetStreamManagement();
						jsm.updateStream(StreamConfiguration.builder(jsm.getStreamInfo("LOCKED_2").getConfiguration())
							.denyDelete(true)
							.maxAge(Duration.ofHours(3))
							.build());
					}
					server.restart();
					await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
						// a report of the reconciliation after the restart (the one of startup has LOCKED_2 created)
						ReconcileReport report = reconciler.getReport();
						assertThat(report.find(ResourceKind.STREAM, "LOCKED_2").orElseThrow().status())
							.isEqualTo(ResourceStatus.CONFLICT);
						assertThat(report.find(ResourceKind.STREAM, "MEM_2").orElseThrow().status())
							.isEqualTo(ResourceStatus.CREATED);
						assertThat(report.findConsumer("MEM_2", "worker").orElseThrow().status())
							.isEqualTo(ResourceStatus.CREATED);
					});
					ResourceReport locked = reconciler.getReport().find(ResourceKind.STREAM, "LOCKED_2").orElseThrow();
					assertThat(locked.differences()).extracting(Difference::toString)
						.contains("deny-delete: declared false, actual true "
								+ "(deny-delete cannot be switched off once set)")
						.anySatisfy((difference) -> assertThat(difference)
							.startsWith("max-age: declared 1h, actual 3h (left as is"));
					try (Connection raw = Nats.connect(server.url())) {
						JetStreamManagement jsm = raw.jetStreamManagement();
						assertThat(jsm.getStreamInfo("MEM_2").getConfiguration().getStorageType())
							.isEqualTo(StorageType.Memory);
						assertThat(jsm.getConsumerNames("MEM_2")).containsExactly("worker");
						// fail-on-conflict: nothing existing is changed while something is in conflict
						assertThat(jsm.getStreamInfo("LOCKED_2").getConfiguration().getMaxAge())
							.isEqualTo(Duration.ofHours(3));
					}
				});
		}
	}

	@Test
	void whatTheServerRefusedIsRetriedUntilItSucceedsAndLoggedOnce(CapturedOutput output) {
		String account = "accounts {\n  APP {\n    jetstream {\n      max_mem: 64MB\n      max_file: 64MB\n"
				+ "      max_streams: 1\n    }\n    users: [ { user: app, password: secret } ]\n  }\n}";
		try (NatsServer server = NatsServer.builder().jetStream(true).config(account).build().start()) {
			Options options = Options.builder().server(server.url()).userInfo("app", "secret").build();
			try (Connection raw = Nats.connect(options)) {
				JetStreamManagement jsm = raw.jetStreamManagement();
				jsm.addStream(StreamConfiguration.builder().name("BLOCKER_3").subjects("blocker3.>").build());
				this.base
					.withPropertyValues("nats.servers=" + server.url(), "nats.username=app", "nats.password=secret",
							"nats.jetstream.reconcile.fail-on-conflict=false",
							"nats.jetstream.streams[NEEDED_3].subjects=needed3.>")
					.run((context) -> {
						assertThat(context).hasNotFailed();
						JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
						ResourceReport refused = reconciler.getReport()
							.find(ResourceKind.STREAM, "NEEDED_3")
							.orElseThrow();
						assertThat(refused.status()).isEqualTo(ResourceStatus.FAILED);
						assertThat(refused.message()).contains("the server refused");
						// let a few retries fail the same way (1s, then 2s later) before the account has room again
						Thread.sleep(3500);
						jsm.deleteStream("BLOCKER_3");
						await().atMost(Duration.ofSeconds(15))
							.pollInterval(Duration.ofMillis(100))
							.untilAsserted(() -> assertThat(
									reconciler.getReport().find(ResourceKind.STREAM, "NEEDED_3").orElseThrow().status())
								.isEqualTo(ResourceStatus.CREATED));
						assertThat(jsm.getStreamNames()).contains("NEEDED_3");
					});
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		// the refusal is logged once as a warning, not at every attempt
		assertThat(output.getOut().split("failed stream NEEDED_3", -1)).hasSize(2);
		assertThat(output.getOut()).contains("Retrying in 1s (attempt 2").contains("created stream NEEDED_3");
	}

	@Test
	void anApplicationStartedBeforeNatsReconcilesOnceItConnects() {
		NatsServer server = NatsServer.builder().build();
		try {
			this.runner.withPropertyValues("nats.servers=" + server.url()).run((context) -> {
				assertThat(context).hasNotFailed();
				JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
				assertThat(reconciler.getReport().resources()).isEmpty();
				server.start();
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(reconciler.getReport().resources()).extracting(ResourceReport::status)
						.containsOnly(ResourceStatus.CREATED));
				assertThat(streamNames(server)).contains("MEM_1", "KV_MEM_KV");
			});
		}
		finally {
			server.close();
		}
	}

	@Test
	void aServerWithoutJetStreamFailsStartupUnlessConflictsMayWait() {
		try (NatsServer server = NatsServer.builder().jetStream(false).build().start()) {
			this.runner.withPropertyValues("nats.servers=" + server.url()).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalysisSupport.analyze(context.getStartupFailure()).getDescription())
					.contains("JetStream is not enabled on nats-server");
			});
			this.runner
				.withPropertyValues("nats.servers=" + server.url(), "nats.jetstream.reconcile.fail-on-conflict=false")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(JetStreamReconciler.class).getReport().resources()).isEmpty();
				});
		}
	}

	private static List<String> streamNames(NatsServer server) throws Exception {
		try (Connection raw = Nats.connect(server.url())) {
			return raw.jetStreamManagement().getStreamNames();
		}
		catch (JetStreamApiException ex) {
			return List.of();
		}
	}

}
