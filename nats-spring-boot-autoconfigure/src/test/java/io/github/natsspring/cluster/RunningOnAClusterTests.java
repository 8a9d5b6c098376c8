package io.github.natsspring.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
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
import io.github.natsspring.connection.NatsConnectionEvent;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.health.NatsHealthContributor;
import io.github.natsspring.jetstream.JetStreamTemplate;
import io.github.natsspring.jetstream.PublishResult;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.ReconcileReport;
import io.github.natsspring.jetstream.reconcile.ResourceKind;
import io.github.natsspring.jetstream.reconcile.ResourceStatus;
import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.kv.watch.KvHeaders;
import io.github.natsspring.kv.watch.KvView;
import io.github.natsspring.objectstore.ObjectStoreTemplate;
import io.github.natsspring.test.NatsCluster;
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

				NatsHealthContributor health = context.getBean(NatsHealthContributor.class);
				HealthIndicator streams = (HealthIndicator) ((CompositeHealthContributor) health
					.getContributor("jetstream")).getContributor("streams");
				assertThat(streams.health().getDetails()).containsEntry("domain", "hub");

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

	@Test
	void everyAcknowledgedMessageIsHandledWhenTheConsumerLeaderIsKilledMidStream() throws Exception {
		NatsCluster cluster = nats.cluster();
		NatsServer consumerLeader;
		try (Connection raw = Nats.connect(options(nats.url()))) {
			JetStreamManagement jsm = raw.jetStreamManagement();
			jsm.addStream(StreamConfiguration.builder().name("FLOW_A").subjects("flow-a.>").replicas(3).build());
			jsm.addOrUpdateConsumer("FLOW_A", ConsumerConfiguration.builder()
				.durable("worker")
				.ackWait(Duration.ofSeconds(2))
				.numReplicas(3)
				.build());
			consumerLeader = leaderApartFromStream(raw, cluster, "FLOW_A", "worker");
		}
		// the application stays away from the consumer leader: only the leader dies, not its connection
		String others = cluster.nodes()
			.stream()
			.filter((node) -> node != consumerLeader)
			.map(NatsServer::url)
			.collect(Collectors.joining(","));
		this.runner.withUserConfiguration(FlowAListener.class)
			.withPropertyValues("nats.servers=" + others, "nats.jetstream.publish.timeout=2s",
					"nats.jetstream.streams[FLOW_A].subjects=flow-a.>", "nats.jetstream.streams[FLOW_A].replicas=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Flow flow = context.getBean(FlowAListener.class).flow;
				JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
				flow.startPublishing("a", (id) -> template.publish("flow-a.order", id));
				await().atMost(Duration.ofSeconds(20)).until(() -> flow.handled.size() > 500);
				flow.failureNow();
				consumerLeader.kill();
				await().atMost(Duration.ofSeconds(30)).until(() -> flow.acked.size() > 2500);
				flow.stopPublishing();
				await().atMost(Duration.ofSeconds(30)).until(flow::allAckedHandled);
				System.out.println(flow.figures("consumer leader killed"));
				assertThat(flow.lost()).isZero();
				assertThat(cluster.consumerLeader("FLOW_A", "worker")).isNotSameAs(consumerLeader);
			});
	}

	@Test
	void theApplicationMovesToAnotherNodeWhenItsNodeIsKilledAndEverythingResumes() throws Exception {
		this.runner.withUserConfiguration(FlowBListener.class)
			.withPropertyValues("nats.servers=" + nats.url(), "nats.jetstream.publish.timeout=2s",
					"nats.jetstream.streams[FLOW_B].subjects=flow-b.>", "nats.jetstream.streams[FLOW_B].replicas=3",
					"nats.jetstream.streams[FLOW_B].consumers.worker.ack-wait=2s",
					"nats.jetstream.key-value[FLOW_B_SETTINGS].replicas=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				FlowBListener application = context.getBean(FlowBListener.class);
				Flow flow = application.flow;
				NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
				String before = manager.getConnection().getServerInfo().getServerName();
				Map<String, Object> healthBefore = connectionHealth(context);
				assertThat(healthBefore).containsEntry("serverName", before)
					.containsEntry("cluster", "test-cluster")
					.containsKey("discoveredServers");
				assertThat((List<?>) healthBefore.get("discoveredServers")).hasSizeGreaterThanOrEqualTo(2);
				JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
				KeyValueTemplate settings = context.getBean("natsKeyValueTemplate.FLOW_B_SETTINGS",
						KeyValueTemplate.class);
				settings.put("before", "1");
				await().atMost(Duration.ofSeconds(10)).until(() -> application.settings.contains("before"));

				flow.startPublishing("b", (id) -> template.publish("flow-b.order", id));
				await().atMost(Duration.ofSeconds(20)).until(() -> flow.handled.size() > 500);
				flow.failureNow();
				nats.cluster().kill(before);
				await().atMost(Duration.ofSeconds(30)).until(() -> application.reconnectedAt != 0);
				long reconnectMillis = (application.reconnectedAt - application.disconnectedAt) / 1_000_000;
				await().atMost(Duration.ofSeconds(30)).until(() -> flow.acked.size() > 2500);
				flow.stopPublishing();
				await().atMost(Duration.ofSeconds(30)).until(flow::allAckedHandled);
				String after = manager.getConnection().getServerInfo().getServerName();
				System.out.println(flow.figures("connected node killed") + ", reconnected after " + reconnectMillis
						+ "ms");
				assertThat(after).isNotEqualTo(before);
				assertThat(flow.lost()).isZero();
				assertThat(connectionHealth(context)).containsEntry("serverName", after)
					.containsEntry("state", "CONNECTED");
				// the watcher resumed on the new node
				await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
					settings.put("after", "2");
					return true;
				});
				await().atMost(Duration.ofSeconds(20)).until(() -> application.settings.contains("after"));
				assertThat(application.settings).containsOnlyOnce("before");
			});
	}

	@Test
	void aKeyValueWatcherAndViewMissNothingAndRepeatNothingAcrossALeaderKill() throws Exception {
		NatsCluster cluster = nats.cluster();
		try (Connection raw = Nats.connect(options(nats.url()))) {
			raw.keyValueManagement()
				// history kept for every update the test makes: a watcher resuming after a failover can only be
				// given the revisions the bucket still holds (with history 1, only the latest value of each key)
				.create(KeyValueConfiguration.builder().name("WATCHED").replicas(3).maxHistoryPerKey(64).build());
			NatsServer leader = cluster.streamLeader("KV_WATCHED");
			String others = cluster.nodes()
				.stream()
				.filter((node) -> node != leader)
				.map(NatsServer::url)
				.collect(Collectors.joining(","));
			this.runner.withUserConfiguration(WatchedBucket.class)
				.withPropertyValues("nats.servers=" + others, "nats.jetstream.key-value[WATCHED].replicas=3")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					WatchedBucket watched = context.getBean(WatchedBucket.class);
					KeyValue kv = raw.keyValue("WATCHED");
					Map<String, String> written = new ConcurrentHashMap<>();
					Set<Long> revisions = ConcurrentHashMap.newKeySet();
					AtomicBoolean writing = new AtomicBoolean(true);
					Thread writer = new Thread(() -> {
						for (int i = 0; writing.get(); i++) {
							String key = "k" + (i % 50);
							try {
								revisions.add(kv.put(key, Integer.toString(i)));
								written.put(key, Integer.toString(i));
							}
							catch (Exception ex) {
								// not acknowledged: may or may not be stored
							}
						}
					}, "kv-writer");
					writer.start();
					await().atMost(Duration.ofSeconds(20)).until(() -> watched.revisions.size() > 300);
					long killedAt = System.nanoTime();
					leader.kill();
					long seenAtKill = watched.revisions.size();
					await().atMost(Duration.ofSeconds(30)).until(() -> revisions.size() > seenAtKill + 500);
					long resumedMillis = (System.nanoTime() - killedAt) / 1_000_000;
					writing.set(false);
					writer.join(10_000);
					await().atMost(Duration.ofSeconds(30))
						.until(() -> watched.revisions.containsAll(revisions) && written.entrySet()
							.stream()
							.allMatch((entry) -> entry.getValue().equals(watched.view.get(entry.getKey()))));
					long repeated = watched.revisions.size() - new java.util.HashSet<>(watched.revisions).size();
					System.out.println("FAILOVER key-value leader killed: acknowledged puts " + revisions.size()
							+ ", watched " + watched.revisions.size() + ", missed "
							+ revisions.stream().filter((r) -> !watched.revisions.contains(r)).count()
							+ ", repeated " + repeated + ", 500 more puts within " + resumedMillis + "ms");
					assertThat(repeated).isZero();
					assertThat(watched.revisions).containsAll(revisions);
					assertThat(cluster.streamLeader("KV_WATCHED")).isNotSameAs(leader);
				});
		}
	}

	/**
	 * The consumer's leader, on another node than the stream's leader when a few step-downs get it there (so that
	 * killing it kills only the consumer's leader).
	 */
	private static NatsServer leaderApartFromStream(Connection raw, NatsCluster cluster, String stream,
			String consumer) throws Exception {
		for (int attempt = 0; attempt < 5; attempt++) {
			NatsServer consumerLeader = cluster.consumerLeader(stream, consumer);
			if (consumerLeader != cluster.streamLeader(stream)) {
				return consumerLeader;
			}
			raw.request("$JS.hub.API.CONSUMER.LEADER.STEPDOWN." + stream + "." + consumer, null,
					Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
				.until(() -> cluster.consumerLeader(stream, consumer) != consumerLeader);
		}
		return cluster.consumerLeader(stream, consumer);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> connectionHealth(org.springframework.context.ApplicationContext context) {
		NatsHealthContributor nats = context.getBean(NatsHealthContributor.class);
		return ((HealthIndicator) nats.getContributor("connection")).health().getDetails();
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

	@Configuration(proxyBeanMethods = false)
	static class FlowAListener {

		final Flow flow = new Flow();

		@JetStreamListener(stream = "FLOW_A", consumer = "worker", concurrency = "4", ackWait = "2s")
		void on(String id) {
			this.flow.handle(id);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FlowBListener implements ApplicationListener<NatsConnectionEvent> {

		final Flow flow = new Flow();

		final List<String> settings = new java.util.concurrent.CopyOnWriteArrayList<>();

		volatile long disconnectedAt;

		volatile long reconnectedAt;

		@JetStreamListener(stream = "FLOW_B", consumer = "worker", concurrency = "4", ackWait = "2s")
		void on(String id) {
			this.flow.handle(id);
		}

		@KvWatch(bucket = "FLOW_B_SETTINGS", id = "flow-b-settings")
		void onSetting(@Header(KvHeaders.KEY) String key) {
			this.settings.add(key);
		}

		@Override
		public void onApplicationEvent(NatsConnectionEvent event) {
			if (event.getType() == NatsConnectionEvent.Type.DISCONNECTED && this.disconnectedAt == 0) {
				this.disconnectedAt = System.nanoTime();
			}
			if (event.getType() == NatsConnectionEvent.Type.RECONNECTED && this.disconnectedAt != 0) {
				this.reconnectedAt = System.nanoTime();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WatchedBucket {

		final List<Long> revisions = new java.util.concurrent.CopyOnWriteArrayList<>();

		final KvView<String> view = KvView.of("WATCHED", String.class);

		@KvWatch(bucket = "WATCHED", id = "watched")
		void on(@Header(KvHeaders.REVISION) long revision) {
			this.revisions.add(revision);
		}

		@Bean
		KvView<String> watchedView() {
			return this.view;
		}

	}

}
