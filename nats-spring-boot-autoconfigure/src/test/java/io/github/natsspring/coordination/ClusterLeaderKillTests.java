package io.github.natsspring.coordination;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationListener;

import io.github.natsspring.coordination.leader.LeaderElection;
import io.github.natsspring.coordination.leader.NatsLeaderEvent;
import io.github.natsspring.coordination.leader.NatsLeaderGrantedEvent;
import io.github.natsspring.test.NatsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader election on a three-node JetStream cluster whose coordination bucket has three replicas: killing the
 * server that leads the bucket's stream (SIGKILL) leaves a leader elected after the cluster recovered, never two
 * at once, with a fencing token that kept growing.
 */
class ClusterLeaderKillTests {

	@Test
	void killingTheStreamLeaderNeverYieldsTwoLeaders() throws Exception {
		List<NatsServer> nodes = startCluster(3);
		List<Instance> instances = new ArrayList<>();
		List<String> changes = new CopyOnWriteArrayList<>();
		try {
			String urls = nodes.stream().map(NatsServer::url).collect(Collectors.joining(","));
			awaitJetStream(urls);
			for (String name : List.of("app-1", "app-2", "app-3")) {
				ApplicationListener<NatsLeaderEvent> recorder = (event) -> changes
					.add(((event instanceof NatsLeaderGrantedEvent) ? "+" : "-") + name);
				instances.add(Instance.start(urls, name, List.of(), List.of(recorder),
						"nats.coordination.leader.scheduler.ttl=6s", "nats.coordination.retry-interval=200ms",
						"nats.jetstream.key-value[coordination].replicas=3", "nats.reconnect.wait=200ms"));
			}
			Instance leader = awaitOneLeader(instances);
			long tokenBefore = leader.bean(LeaderElection.class).getLeadership("scheduler").orElseThrow()
				.fencingToken();

			NatsServer streamLeader = streamLeader(nodes, urls);
			streamLeader.kill();
			List<NatsServer> alive = new ArrayList<>(nodes);
			alive.remove(streamLeader);
			String aliveUrls = alive.stream().map(NatsServer::url).collect(Collectors.joining(","));

			// the bucket gets a new stream leader and the role's lease is written again (renewed or taken over)
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
				long revision = revision(aliveUrls);
				return revision > tokenBefore && instances.stream()
					.filter((i) -> i.bean(LeaderElection.class).isLeader("scheduler"))
					.count() == 1;
			});
			Instance after = awaitOneLeader(instances);
			assertThat(after.bean(LeaderElection.class).getLeadership("scheduler").orElseThrow().fencingToken())
				.isGreaterThanOrEqualTo(tokenBefore);
			assertAlternating(changes);
		}
		finally {
			instances.forEach(Instance::close);
			nodes.forEach(NatsServer::close);
		}
	}

	private static List<NatsServer> startCluster(int size) {
		List<Integer> routePorts = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			routePorts.add(freePort());
		}
		List<NatsServer> nodes = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			int own = routePorts.get(i);
			String routes = routePorts.stream()
				.filter((port) -> port != own)
				.map((port) -> "nats-route://127.0.0.1:" + port)
				.collect(Collectors.joining(", "));
			nodes.add(NatsServer.builder()
				.name("node-" + (i + 1))
				.config("cluster { name: coordination, listen: \"127.0.0.1:" + own + "\", routes: [" + routes + "] }")
				.build());
		}
		// started together: each waits for its routes before it reports ready
		nodes.parallelStream().forEach(NatsServer::start);
		return nodes;
	}

	private static void awaitJetStream(String urls) throws Exception {
		try (Connection connection = Nats.connect(new Options.Builder().server(urls).build())) {
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().pollInterval(Duration.ofMillis(200)).until(() -> {
				connection.jetStreamManagement().getAccountStatistics();
				return true;
			});
		}
	}

	private static NatsServer streamLeader(List<NatsServer> nodes, String urls) throws Exception {
		try (Connection connection = Nats.connect(new Options.Builder().server(urls).build())) {
			JetStreamManagement management = connection.jetStreamManagement();
			String name = management.getStreamInfo("KV_coordination").getClusterInfo().getLeader();
			return nodes.stream().filter((node) -> node.name().equals(name)).findFirst().orElseThrow();
		}
	}

	private static long revision(String urls) {
		try (Connection connection = Nats.connect(new Options.Builder().server(urls).build())) {
			var entry = connection.keyValue("coordination").get("leader.scheduler");
			return (entry != null) ? entry.getRevision() : 0;
		}
		catch (Exception ex) {
			return 0;
		}
	}

	private static Instance awaitOneLeader(List<Instance> instances) {
		List<Instance> leaders = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
			leaders.clear();
			instances.stream()
				.filter((i) -> i.bean(LeaderElection.class).isLeader("scheduler"))
				.forEach(leaders::add);
			return leaders.size() == 1;
		});
		return leaders.get(0);
	}

	/** Grants and revocations alternate: a new leader only after the previous one gave up. */
	private static void assertAlternating(List<String> changes) {
		String leading = null;
		for (String change : changes) {
			String instance = change.substring(1);
			if (change.startsWith("+")) {
				assertThat(leading).as("%s granted while %s led (%s)", instance, leading, changes).isNull();
				leading = instance;
			}
			else {
				assertThat(instance).isEqualTo(leading);
				leading = null;
			}
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
