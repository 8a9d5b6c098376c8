package io.github.natsspring.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * One cluster (hub domain, with a leaf node) for the whole class; tests that take a node down leave it to the
 * extension to bring it back.
 */
class NatsClusterTests {

	@RegisterExtension
	static final NatsClusterExtension nats = NatsClusterExtension.withConfig((cluster) -> cluster
		.jetStreamDomain("hub")
		.config("lame_duck_grace_period: 1s")
		.tags("n1", "az:1")
		.leafNode("leaf"));

	@Test
	void formsAReadyClusterOfThreeJetStreamNodes() throws Exception {
		NatsCluster cluster = nats.cluster();
		assertThat(cluster.nodes()).extracting(NatsServer::name).containsExactly("n1", "n2", "n3");
		assertThat(cluster.url().split(",")).hasSize(3).allMatch((url) -> url.startsWith("nats://127.0.0.1:"));
		try (Connection connection = Nats.connect(options(cluster.url()))) {
			assertThat(connection.getServerInfo().getCluster()).isEqualTo("test-cluster");
			// ready means R3 assets can be created at once
			StreamInfo info = connection.jetStreamManagement()
				.addStream(StreamConfiguration.builder().name("READY").subjects("ready.>").replicas(3).build());
			assertThat(info.getClusterInfo().getReplicas()).hasSize(2);
			assertThat(cluster.metaLeader().name()).isIn("n1", "n2", "n3");
		}
	}

	@Test
	void tellsWhichNodeLeadsAStreamAndAConsumerAndElectsAnotherAfterAKill() throws Exception {
		NatsCluster cluster = nats.cluster();
		try (Connection connection = Nats.connect(options(cluster.url()))) {
			JetStreamManagement jsm = connection.jetStreamManagement();
			StreamInfo created = jsm
				.addStream(StreamConfiguration.builder().name("LEADS").subjects("leads.>").replicas(3).build());
			jsm.addOrUpdateConsumer("LEADS", ConsumerConfiguration.builder().durable("worker").build());
			NatsServer leader = cluster.streamLeader("LEADS");
			assertThat(leader.name()).isEqualTo(created.getClusterInfo().getLeader());
			assertThat(cluster.consumerLeader("LEADS", "worker").name())
				.isEqualTo(jsm.getConsumerInfo("LEADS", "worker").getClusterInfo().getLeader());

			cluster.kill(leader.name());
			assertThat(leader.isRunning()).isFalse();
			NatsServer next = cluster.streamLeader("LEADS");
			assertThat(next.name()).isNotEqualTo(leader.name());
			assertThat(cluster.running()).hasSize(2);

			cluster.start(leader.name());
			assertThat(cluster.running()).hasSize(3);
			// back and current: it follows the stream again
			assertThat(jsm.getStreamInfo("LEADS").getClusterInfo().getReplicas())
				.anyMatch((replica) -> replica.getName().equals(leader.name()) && replica.isCurrent());
		}
	}

	@Test
	void restartsANodeWithItsStoreAndPutsOneIntoLameDuckMode() throws Exception {
		NatsCluster cluster = nats.cluster();
		NatsServer n2 = cluster.node("n2");
		int port = n2.port();
		cluster.restart("n2");
		assertThat(n2.port()).isEqualTo(port);
		assertThat(n2.readLog()).contains(n2.storeDirectory().toString());

		CountDownLatch lameDuck = new CountDownLatch(1);
		Options options = new Options.Builder().server(n2.url())
			.connectionListener((connection, event) -> {
				if (event == ConnectionListener.Events.LAME_DUCK) {
					lameDuck.countDown();
				}
			})
			.build();
		try (Connection connection = Nats.connect(options)) {
			cluster.enterLameDuckMode("n2");
			assertThat(lameDuck.await(10, TimeUnit.SECONDS)).isTrue();
		}
		// lame duck lasts at least 30 seconds: stop it now, the extension starts it for the next test
		cluster.stop("n2");
	}

	@Test
	void aLeafNodeHasItsOwnDomainAndReachesTheHubs() throws Exception {
		NatsLeafNode leaf = nats.leafNode("leaf");
		assertThat(leaf.isConnected()).isTrue();
		try (Connection connection = Nats.connect(options(leaf.url()))) {
			JetStreamManagement local = connection.jetStreamManagement();
			JetStreamManagement hub = connection.jetStreamManagement(JetStreamOptions.builder().domain("hub").build());
			StreamInfo onLeaf = local.addStream(StreamConfiguration.builder().name("EDGE").subjects("edge.>").build());
			StreamInfo onHub = hub
				.addStream(StreamConfiguration.builder().name("CORE").subjects("core.>").replicas(3).build());
			assertThat(onLeaf.getClusterInfo() == null || onLeaf.getClusterInfo().getReplicas() == null
					|| onLeaf.getClusterInfo().getReplicas().isEmpty())
				.isTrue();
			assertThat(onHub.getClusterInfo().getName()).isEqualTo("test-cluster");
			assertThat(nats.cluster().streamLeader("CORE").name()).isIn("n1", "n2", "n3");
			assertThat(local.getStreamNames()).contains("EDGE").doesNotContain("CORE");
			// a publish from the leaf is stored by the hub's stream
			connection.jetStream().publish("core.hello", "hi".getBytes());
			assertThat(hub.getStreamInfo("CORE").getStreamState().getMsgCount()).isEqualTo(1);
		}
	}

	@Test
	void placesByTagsAndRejectsUnknownNodes() throws Exception {
		try (Connection connection = Nats.connect(options(nats.url()))) {
			StreamInfo info = connection.jetStreamManagement()
				.addStream(StreamConfiguration.builder()
					.name("TAGGED")
					.subjects("tagged.>")
					.placement(io.nats.client.api.Placement.builder().tags(List.of("az:1")).build())
					.build());
			assertThat(info.getClusterInfo().getLeader()).isEqualTo("n1");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> NatsCluster.builder().tags("n4", "x").build());
		assertThatIllegalArgumentException().isThrownBy(() -> nats.cluster().node("n9"));
	}

	private static Options options(String urls) {
		return new Options.Builder().servers(urls.split(",")).connectionTimeout(Duration.ofSeconds(5)).build();
	}

}
