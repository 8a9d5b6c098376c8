package io.github.natsspring.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsHealthContributorAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamListenerAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsKvWatchAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.jetstream.JetStreamTemplate;
import io.github.natsspring.jetstream.PublishResult;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.ReconcileReport;
import io.github.natsspring.jetstream.reconcile.ResourceKind;
import io.github.natsspring.jetstream.reconcile.ResourceStatus;
import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.kv.watch.KvHeaders;
import io.github.natsspring.objectstore.ObjectStoreTemplate;
import io.github.natsspring.test.NatsClusterExtension;
import io.github.natsspring.test.NatsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter on a three-node cluster (JetStream domain {@code hub}) with a leaf node (domain {@code leaf}), one
 * cluster for the whole class, on the newest server only: elections take seconds.
 */
@ExtendWith(OutputCaptureExtension.class)
class RunningOnAClusterTests {

	@RegisterExtension
	static final NatsClusterExtension nats = NatsClusterExtension
		.withConfig((cluster) -> cluster.jetStreamDomain("hub")
			.tags("n1", "az:1")
			.tags("n2", "az:2")
			.tags("n3", "az:3")
			.leafNode("leaf"));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				NatsJetStreamAutoConfiguration.class, NatsJetStreamListenerAutoConfiguration.class,
				NatsKvWatchAutoConfiguration.class, NatsHealthContributorAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("nats.drain-timeout=2s", "nats.listener.shutdown-timeout=5s",
				"nats.jetstream.listener.expires=1s", "nats.jetstream.listener.dead-letter.enabled=false");

	@Test
	void anApplicationOnALeafNodeUsesTheHubsJetStreamAndALocalStreamSourcesFromIt() throws Exception {
		this.runner.withUserConfiguration(LeafApplication.class)
			.withPropertyValues("nats.servers=" + nats.leafNode("leaf").url(), "nats.jetstream.domain=hub",
					"nats.jetstream.streams[LEAF_ORDERS].subjects=leaf-orders.>",
					"nats.jetstream.streams[LEAF_ORDERS].replicas=3",
					"nats.jetstream.streams[LEAF_ORDERS].consumers.worker.ack-wait=5s",
					"nats.jetstream.streams[EDGE_COPY].domain=leaf",
					"nats.jetstream.streams[EDGE_COPY].sources[0].name=LEAF_ORDERS",
					"nats.jetstream.streams[EDGE_COPY].sources[0].domain=hub",
					"nats.jetstream.streams[EDGE_COPY].consumers.edge.ack-wait=5s",
					"nats.jetstream.key-value[LEAF_SETTINGS].history=2",
					"nats.jetstream.object-store[LEAF_FILES].description=files on the hub")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
				// streams and buckets created by the startup run; the listeners' consumers ensured again after it
				assertThat(reconciler.getReport().resources()).hasSize(6)
					.allMatch((resource) -> resource.status() == ResourceStatus.CREATED
							|| resource.status() == ResourceStatus.UNCHANGED, "created");
				try (Connection hub = Nats.connect(options(nats.url()));
						Connection leaf = Nats.connect(options(nats.leafNode("leaf").url()))) {
					JetStreamManagement hubJsm = hub.jetStreamManagement();
					StreamInfo orders = hubJsm.getStreamInfo("LEAF_ORDERS");
					assertThat(orders.getClusterInfo().getName()).isEqualTo("test-cluster");
					assertThat(orders.getConfiguration().getReplicas()).isEqualTo(3);
					assertThat(hubJsm.getStreamNames()).contains("KV_LEAF_SETTINGS", "OBJ_LEAF_FILES")
						.doesNotContain("EDGE_COPY");
					assertThat(hubJsm.getConsumerNames("LEAF_ORDERS")).contains("worker");
					JetStreamManagement leafJsm = leaf.jetStreamManagement();
					assertThat(leafJsm.getStreamNames()).containsExactly("EDGE_COPY");
					assertThat(leafJsm.getConsumerNames("EDGE_COPY")).containsExactly("edge");
					assertThat(leafJsm.getStreamInfo("EDGE_COPY").getConfiguration().getSources().get(0)
						.getExternal()
						.getApi()).isEqualTo("$JS.hub.API");
				}

				JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
				for (int i = 0; i < 20; i++) {
					PublishResult ack = template.publish("leaf-orders.created", "order-" + i);
					assertThat(ack.stream()).isEqualTo("LEAF_ORDERS");
				}
				LeafApplication application = context.getBean(LeafApplication.class);
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(application.fromHub).hasSize(20));
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(application.fromLeafCopy).hasSize(20));

				KeyValueTemplate settings = context.getBean("natsKeyValueTemplate.LEAF_SETTINGS",
						KeyValueTemplate.class);
				settings.put("color", "blue");
				assertThat(settings.get("color", String.class)).isEqualTo("blue");
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(application.settings).contains("color"));
				ObjectStoreTemplate files = context.getBean("natsObjectStoreTemplate.LEAF_FILES",
						ObjectStoreTemplate.class);
				files.put("readme", "hello".getBytes(StandardCharsets.UTF_8));
				assertThat(new String(files.getBytes("readme"), StandardCharsets.UTF_8)).isEqualTo("hello");
				try (Connection hub = Nats.connect(options(nats.url()))) {
					assertThat(hub.objectStore("LEAF_FILES").getInfo("readme").getSize()).isEqualTo(5);
				}
			});
	}

	@Test
	void replicasAndPlacementChangesAreAppliedAsUpdatesAndReported() throws Exception {
		ApplicationContextRunner hub = this.runner.withPropertyValues("nats.servers=" + nats.url());
		hub.withPropertyValues("nats.jetstream.streams[MOVING].subjects=moving.>",
				"nats.jetstream.streams[MOVING].placement.tags=az:1",
				"nats.jetstream.streams[GROWING].subjects=growing.>", "nats.jetstream.streams[GROWING].replicas=1",
				"nats.jetstream.streams[GROWING].consumers.worker.replicas=1",
				"nats.jetstream.key-value[GROWING_KV].replicas=1",
				"nats.jetstream.object-store[PLACED_OS].description=placed")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JetStreamReconciler.class).getReport().hasProblems()).isFalse();
				assertThat(nats.cluster().streamLeader("MOVING").name()).isEqualTo("n1");
			});
		hub.withPropertyValues("nats.jetstream.streams[MOVING].subjects=moving.>",
				"nats.jetstream.streams[MOVING].placement.tags=az:2",
				"nats.jetstream.streams[GROWING].subjects=growing.>", "nats.jetstream.streams[GROWING].replicas=3",
				"nats.jetstream.streams[GROWING].consumers.worker.replicas=3",
				"nats.jetstream.key-value[GROWING_KV].replicas=3",
				"nats.jetstream.object-store[PLACED_OS].placement.cluster=test-cluster")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
				assertThat(report.find(ResourceKind.STREAM, "MOVING").orElseThrow().toString())
					.startsWith("updated stream MOVING")
					.contains("placement: declared tags [az:2], actual tags [az:1] (changed)");
				assertThat(report.find(ResourceKind.STREAM, "GROWING").orElseThrow().toString())
					.contains("replicas: declared 3, actual 1 (changed)");
				assertThat(report.findConsumer("GROWING", "worker").orElseThrow().toString())
					.contains("replicas: declared 3, actual 1 (changed)");
				assertThat(report.find(ResourceKind.KEY_VALUE, "GROWING_KV").orElseThrow().toString())
					.contains("replicas: declared 3, actual 1 (changed)");
				assertThat(report.find(ResourceKind.OBJECT_STORE, "PLACED_OS").orElseThrow().toString())
					.contains("placement: declared cluster test-cluster, actual (not set) (changed)");
			});
		// the server moves the stream and adds the replicas in the background
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(nats.cluster().streamLeader("MOVING").name()).isEqualTo("n2"));
		try (Connection raw = Nats.connect(options(nats.url()))) {
			JetStreamManagement jsm = raw.jetStreamManagement();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				assertThat(jsm.getStreamInfo("GROWING").getClusterInfo().getReplicas()).hasSize(2);
				assertThat(jsm.getStreamInfo("KV_GROWING_KV").getClusterInfo().getReplicas()).hasSize(2);
				assertThat(jsm.getConsumerInfo("GROWING", "worker").getConsumerConfiguration().getNumReplicas())
					.isEqualTo(3);
			});
			assertThat(jsm.getStreamInfo("OBJ_PLACED_OS").getConfiguration().getPlacement().getCluster())
				.isEqualTo("test-cluster");
		}
		// declared again as it now is: nothing to change
		hub.withPropertyValues("nats.jetstream.streams[MOVING].subjects=moving.>",
				"nats.jetstream.streams[MOVING].placement.tags=az:2",
				"nats.jetstream.streams[GROWING].subjects=growing.>", "nats.jetstream.streams[GROWING].replicas=3")
			.run((context) -> assertThat(context.getBean(JetStreamReconciler.class).getReport().resources())
				.allMatch((resource) -> resource.status() == ResourceStatus.UNCHANGED, "unchanged"));
	}

	@Test
	void startsDuringAnElectionByWaitingForTheLeaderInsteadOfFailing(CapturedOutput output) {
		NatsServer leader = nats.cluster().metaLeader();
		List<String> survivors = nats.cluster()
			.nodes()
			.stream()
			.filter((node) -> node != leader)
			.map(NatsServer::url)
			.toList();
		leader.kill();
		long start = System.nanoTime();
		this.runner.withPropertyValues("nats.servers=" + String.join(",", survivors),
				"nats.jetstream.streams[ELECTED].subjects=elected.>", "nats.jetstream.streams[ELECTED].replicas=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JetStreamReconciler.class).getReport().find(ResourceKind.STREAM, "ELECTED"))
					.hasValueSatisfying((stream) -> assertThat(stream.status()).isEqualTo(ResourceStatus.CREATED));
			});
		System.out.println("startup during the election took "
				+ Duration.ofNanos(System.nanoTime() - start).toMillis() + "ms");
		assertThat(output).contains("JetStream cannot answer about stream ELECTED yet")
			.contains("nats.jetstream.reconcile.leader-timeout")
			.contains("JetStream answers again");
	}

	static Options options(String urls) {
		return new Options.Builder().servers(urls.split(",")).connectionTimeout(Duration.ofSeconds(5)).build();
	}

	@Configuration(proxyBeanMethods = false)
	static class LeafApplication {

		final Set<String> fromHub = ConcurrentHashMap.newKeySet();

		final Set<String> fromLeafCopy = ConcurrentHashMap.newKeySet();

		final List<String> settings = new java.util.concurrent.CopyOnWriteArrayList<>();

		@JetStreamListener(stream = "LEAF_ORDERS", consumer = "worker")
		void onHubOrder(String order) {
			this.fromHub.add(order);
		}

		@JetStreamListener(stream = "EDGE_COPY", consumer = "edge")
		void onLeafCopy(String order) {
			this.fromLeafCopy.add(order);
		}

		@KvWatch(bucket = "LEAF_SETTINGS", id = "leaf-settings")
		void onSetting(@Header(KvHeaders.KEY) String key) {
			this.settings.add(key);
		}

		// the bucket beans exist (qualified by bucket name) whether or not the application injects them
		LeafApplication(@Qualifier("LEAF_FILES") ObjectStoreTemplate files) {
		}

	}

}
