package io.github.natsspring.micro;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.test.NatsCluster;
import io.github.natsspring.test.NatsClusterExtension;
import io.github.natsspring.test.NatsServer;

import static io.github.natsspring.micro.MicroTestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances of one service on different nodes of a three-node cluster: discovery from any node finds them all,
 * and requests keep being answered while the node of one instance dies. Newest server only.
 */
class NatsServiceOnAClusterTests {

	@RegisterExtension
	static final NatsClusterExtension nats = NatsClusterExtension.jetStream();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(MicroTestSupport.autoConfigurations())
		.withUserConfiguration(WhereService.class)
		.withPropertyValues("nats.drain-timeout=2s", "nats.micro.shutdown-timeout=2s");

	@Test
	void instancesOnEveryNodeAnswerPingFromAnyNodeAndRequestsSurviveANodeDying() {
		NatsCluster cluster = nats.cluster();
		// each instance is given one node only; it learns the others from the cluster (discovered servers)
		this.runner.withPropertyValues("nats.servers=" + cluster.node("n2").url(), "instance=b").run((b) -> {
			this.runner.withPropertyValues("nats.servers=" + cluster.node("n3").url(), "instance=c").run((c) -> {
				this.runner.withPropertyValues("nats.servers=" + cluster.node("n1").url(), "instance=a").run((a) -> {
					assertThat(nodeOf(a)).isEqualTo("n1");
					assertThat(nodeOf(b)).isEqualTo("n2");
					assertThat(nodeOf(c)).isEqualTo("n3");
					Set<String> ids = Set.of(service(a, "where").getId(), service(b, "where").getId(),
							service(c, "where").getId());
					for (NatsServer node : cluster.nodes()) {
						try (Connection raw = Nats.connect(node.url())) {
							assertThat(pingIds(raw)).as("PING from " + node.name()).isEqualTo(ids);
						}
					}
				});
				// the server prefers a queue member on the requester's own node: with a gone, requests from n1
				// are answered by b and c on the other nodes
				try (Connection requester = Nats.connect(new Options.Builder().server(cluster.node("n1").url())
					.build())) {
					Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
					AtomicInteger failed = new AtomicInteger();
					AtomicInteger sent = new AtomicInteger();
					AtomicBoolean requesting = new AtomicBoolean(true);
					Thread load = new Thread(() -> {
						while (requesting.get()) {
							sent.incrementAndGet();
							try {
								Message reply = requester.request("where.am.i", "where?".getBytes(StandardCharsets.UTF_8),
										Duration.ofSeconds(1));
								answeredBy.computeIfAbsent(new String(reply.getData(), StandardCharsets.UTF_8),
										(key) -> new AtomicInteger())
									.incrementAndGet();
							}
							catch (Exception ex) {
								failed.incrementAndGet();
							}
						}
					}, "service-requests");
					load.start();
					await().atMost(Duration.ofSeconds(10))
						.until(() -> answeredBy.keySet().containsAll(Set.of("b", "c")));
					long killed = System.nanoTime();
					cluster.kill("n3");
					// c moves to a node it discovered and answers again
					await().atMost(Duration.ofSeconds(30)).until(() -> nodeOf(c) != null && !"n3".equals(nodeOf(c)));
					long movedMillis = (System.nanoTime() - killed) / 1_000_000;
					int answeredByC = answeredBy.get("c").get();
					await().atMost(Duration.ofSeconds(20)).until(() -> answeredBy.get("c").get() > answeredByC);
					requesting.set(false);
					load.join(5000);
					int answered = answeredBy.values().stream().mapToInt(AtomicInteger::get).sum();
					System.out.println("FAILOVER service node killed: requests " + sent.get() + ", answered "
							+ answered + ", failed " + failed.get() + ", instance c on " + nodeOf(c) + " after "
							+ movedMillis + "ms, answers by instance " + answeredBy.entrySet()
								.stream()
								.map((entry) -> entry.getKey() + "=" + entry.getValue())
								.collect(Collectors.joining(", ")));
					// a request in flight to c when its node died times out; the others are answered
					assertThat(failed.get()).isLessThanOrEqualTo(2);
					assertThat(answered).isEqualTo(sent.get() - failed.get());
					try (Connection raw = Nats.connect(cluster.node("n2").url())) {
						assertThat(pingIds(raw)).hasSize(2).contains(service(b, "where").getId(),
								service(c, "where").getId());
					}
				}
			});
		});
	}

	private static String nodeOf(org.springframework.context.ApplicationContext context) {
		Connection connection = context.getBean(NatsConnectionManager.class).getConnectionIfAvailable();
		return (connection != null && connection.getStatus() == Connection.Status.CONNECTED)
				? connection.getServerInfo().getServerName() : null;
	}

	private static Set<String> pingIds(Connection raw) throws Exception {
		List<Message> replies = Discovery.collect(raw, "$SRV.PING.where", new byte[0], 3, Duration.ofSeconds(3));
		return replies.stream()
			.map((reply) -> Discovery.read(reply).get("id").asString())
			.collect(Collectors.toSet());
	}

	@NatsService(name = "where", version = "1.0.0")
	static class WhereService {

		@Value("${instance}")
		String instance;

		@NatsEndpoint(subject = "where.am.i")
		String where(String ignored) {
			return this.instance;
		}

	}

}
