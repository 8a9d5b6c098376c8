package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.test.NatsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A memory stream is gone after a server restart; the reconciler brings it back once the client reconnects. And an
 * application that starts before NATS reconciles once NATS is there.
 */
@Tag("compat")
class JetStreamReconnectTests {

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class))
		.withPropertyValues("nats.drain-timeout=1s", "nats.reconnect.wait=100ms", "nats.reconnect.jitter=10ms",
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
