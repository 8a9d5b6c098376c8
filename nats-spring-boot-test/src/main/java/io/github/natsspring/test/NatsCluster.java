package io.github.natsspring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.nats.client.support.JsonValue;

/**
 * A cluster of real {@code nats-server} processes on loopback: N nodes (3 by default) routed to each other, each
 * with JetStream, its own store folder and a {@code server_name} ({@code n1}, {@code n2}, ...), on free ports.
 * {@link #start()} returns once the JetStream meta leader is elected and every node is current, so a test can
 * create R3 streams at once.
 * <p>
 * Nodes are addressed by name: {@link #kill(String) kill} one (SIGKILL, as a crash), {@link #stop(String) stop} it
 * gracefully, {@link #restart(String) restart} it with its store, or put it into
 * {@link #enterLameDuckMode(String) lame duck mode}; ask {@link #streamLeader(String) which node leads a stream} or
 * {@link #consumerLeader(String, String) a consumer}, then kill exactly that one. Every node also listens for leaf
 * nodes, so a {@link NatsLeafNode} can attach to the cluster as its hub.
 *
 * <pre>{@code
 * try (NatsCluster cluster = NatsCluster.builder().build().start()) {
 *     connect(cluster.url());                    // "nats://127.0.0.1:p1,nats://127.0.0.1:p2,..."
 *     cluster.streamLeader("ORDERS").kill();
 *     cluster.awaitReady();                      // a new leader is elected
 * }
 * }</pre>
 * Leaders are read from each node's HTTP monitoring endpoint ({@code /jsz}), which tells what the node itself
 * believes; only a node that says it leads counts as the leader, so a follower's stale view during an election is
 * never taken for the answer.
 */
public final class NatsCluster implements AutoCloseable {

	private final String name;

	private final Map<String, NatsServer> nodes = new LinkedHashMap<>();

	private final Map<String, Integer> leafNodePorts = new LinkedHashMap<>();

	private final String jetStreamDomain;

	private final Duration readyTimeout;

	private final List<NatsLeafNode.Builder> leafNodeBuilders;

	private final List<NatsLeafNode> leafNodes = new ArrayList<>();

	private NatsCluster(Builder builder) {
		this.name = builder.name;
		this.jetStreamDomain = builder.jetStreamDomain;
		this.readyTimeout = builder.readyTimeout;
		this.leafNodeBuilders = List.copyOf(builder.leafNodes);
		NatsServerBinary binary = (builder.binary != null) ? builder.binary : NatsServerBinary.forCurrentRun();
		Map<String, Integer> clusterPorts = new LinkedHashMap<>();
		for (String node : builder.nodeConfigBlocks.keySet()) {
			if (!node.matches("n\\d+") || Integer.parseInt(node.substring(1)) > builder.size
					|| Integer.parseInt(node.substring(1)) < 1) {
				throw new IllegalArgumentException("No node '" + node + "' in a cluster of " + builder.size);
			}
		}
		for (int i = 1; i <= builder.size; i++) {
			clusterPorts.put("n" + i, NatsServer.freePort());
			this.leafNodePorts.put("n" + i, NatsServer.freePort());
		}
		String routes = clusterPorts.values()
			.stream()
			.map((port) -> "nats-route://127.0.0.1:" + port)
			.collect(Collectors.joining(", "));
		clusterPorts.forEach((node, clusterPort) -> {
			NatsServer.Builder server = NatsServer.builder()
				.binary(binary)
				.name(node)
				.jetStream(true)
				.jetStreamDomain(this.jetStreamDomain)
				.monitoring(true)
				.startTimeout(builder.startTimeout)
				.config("cluster {\n  name: \"" + this.name + "\"\n  listen: \"127.0.0.1:" + clusterPort
						+ "\"\n  routes: [" + routes + "]\n}")
				.config("leafnodes {\n  listen: \"127.0.0.1:" + this.leafNodePorts.get(node) + "\"\n}");
			builder.configBlocks.forEach(server::config);
			builder.nodeConfigBlocks.getOrDefault(node, List.of()).forEach(server::config);
			this.nodes.put(node, server.build());
		});
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts every node, waits until the cluster is {@link #awaitReady() ready}, then starts the leaf nodes given
	 * to the builder.
	 * @return this cluster
	 */
	public synchronized NatsCluster start() {
		try {
			this.nodes.values().forEach(NatsServer::start);
			awaitReady();
			if (this.leafNodes.isEmpty()) {
				for (NatsLeafNode.Builder leaf : this.leafNodeBuilders) {
					this.leafNodes.add(leaf.hub(this).build().start());
				}
			}
			return this;
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/**
	 * Waits until the running nodes agree on a JetStream meta leader that is one of them, the leader sees every
	 * other running node as current, every running node reports itself healthy ({@code /healthz}), and the leader of
	 * every replicated stream and consumer sees its running followers as current. Call it after killing or restarting a node to wait for the election and catch-up.
	 * @return this cluster
	 * @throws IllegalStateException when that does not happen within the ready timeout
	 */
	public NatsCluster awaitReady() {
		await("the cluster to be ready (meta leader elected, every running node current)",
				() -> isReady() ? Boolean.TRUE : null);
		return this;
	}

	private boolean isReady() {
		List<NatsServer> running = running();
		if (running.isEmpty()) {
			return false;
		}
		String leader = null;
		for (NatsServer node : running) {
			JsonValue meta = ServerMonitor.field(ServerMonitor.json(node, "/jsz"), "meta_cluster");
			String seen = ServerMonitor.string(meta, "leader");
			if (seen == null || seen.isEmpty() || (leader != null && !leader.equals(seen))) {
				return false;
			}
			leader = seen;
		}
		NatsServer leaderNode = this.nodes.get(leader);
		if (leaderNode == null || !leaderNode.isRunning()) {
			return false;
		}
		JsonValue meta = ServerMonitor.field(ServerMonitor.json(leaderNode, "/jsz"), "meta_cluster");
		if (!runningReplicasCurrent(meta)) {
			return false;
		}
		return running.stream().allMatch((node) -> ServerMonitor.isHealthy(node) && ledAssetsCurrent(node));
	}

	/**
	 * Whether every stream and consumer this node leads sees its running followers as current: a restarted node
	 * reports itself healthy before it has caught up with the streams it follows.
	 */
	private boolean ledAssetsCurrent(NatsServer node) {
		JsonValue jsz = ServerMonitor.json(node, "/jsz?accounts=true&streams=true&consumers=true&config=false");
		if (jsz == null) {
			return false;
		}
		for (JsonValue account : ServerMonitor.array(jsz, "account_details")) {
			for (JsonValue stream : ServerMonitor.array(account, "stream_detail")) {
				if (!ledAndCurrent(node, ServerMonitor.field(stream, "cluster"))) {
					return false;
				}
				for (JsonValue consumer : ServerMonitor.array(stream, "consumer_detail")) {
					if (!ledAndCurrent(node, ServerMonitor.field(consumer, "cluster"))) {
						return false;
					}
				}
			}
		}
		return true;
	}

	private boolean ledAndCurrent(NatsServer node, JsonValue cluster) {
		return !node.name().equals(ServerMonitor.string(cluster, "leader")) || runningReplicasCurrent(cluster);
	}

	private boolean runningReplicasCurrent(JsonValue group) {
		for (JsonValue replica : ServerMonitor.array(group, "replicas")) {
			NatsServer peer = this.nodes.get(ServerMonitor.string(replica, "name"));
			JsonValue current = ServerMonitor.field(replica, "current");
			if (peer != null && peer.isRunning() && (current == null || !Boolean.TRUE.equals(current.bool))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The node that is the JetStream meta leader (it places streams and consumers), waiting for an election if
	 * there is none.
	 */
	public NatsServer metaLeader() {
		return await("a JetStream meta leader", () -> {
			for (NatsServer node : running()) {
				JsonValue meta = ServerMonitor.field(ServerMonitor.json(node, "/jsz?leader-only=true"),
						"meta_cluster");
				if (node.name().equals(ServerMonitor.string(meta, "leader"))) {
					return node;
				}
			}
			return null;
		});
	}

	/**
	 * The node that leads the stream (in any account), waiting while it is being elected.
	 * @param stream the stream name, for example {@code ORDERS} or {@code KV_CONFIG} for a key-value bucket
	 * @return the leader
	 * @throws IllegalStateException when no node leads the stream within the ready timeout
	 */
	public NatsServer streamLeader(String stream) {
		return await("a leader of stream '" + stream + "'", () -> leaderOf(stream, null));
	}

	/**
	 * The node that leads the durable consumer, waiting while it is being elected. It may be another node than the
	 * stream's leader.
	 * @param stream the stream
	 * @param consumer the consumer's durable name
	 * @return the leader
	 * @throws IllegalStateException when no node leads the consumer within the ready timeout
	 */
	public NatsServer consumerLeader(String stream, String consumer) {
		return await("a leader of consumer '" + consumer + "' of stream '" + stream + "'",
				() -> leaderOf(stream, Objects.requireNonNull(consumer)));
	}

	private NatsServer leaderOf(String stream, String consumer) {
		for (NatsServer node : running()) {
			JsonValue jsz = ServerMonitor.json(node, "/jsz?accounts=true&streams=true&consumers=true&config=false");
			for (JsonValue account : ServerMonitor.array(jsz, "account_details")) {
				for (JsonValue detail : ServerMonitor.array(account, "stream_detail")) {
					if (!stream.equals(ServerMonitor.string(detail, "name"))) {
						continue;
					}
					JsonValue cluster = ServerMonitor.field(detail, "cluster");
					if (consumer != null) {
						cluster = ServerMonitor.array(detail, "consumer_detail")
							.stream()
							.filter((c) -> consumer.equals(ServerMonitor.string(c, "name")))
							.map((c) -> ServerMonitor.field(c, "cluster"))
							.findFirst()
							.orElse(null);
					}
					// a node's own claim: followers may still name a dead leader for a few seconds
					if (node.name().equals(ServerMonitor.string(cluster, "leader"))) {
						return node;
					}
				}
			}
		}
		return null;
	}

	private <T> T await(String what, Supplier<T> probe) {
		long deadline = System.nanoTime() + this.readyTimeout.toNanos();
		while (true) {
			T value = probe.get();
			if (value != null) {
				return value;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + this.readyTimeout + " waiting for " + what
						+ " in " + this);
			}
			NatsServer.sleep(50);
		}
	}

	/**
	 * Kills the node at once (SIGKILL), as a crash would; its port and store are kept for a restart.
	 * @return the node
	 */
	public NatsServer kill(String node) {
		NatsServer server = node(node);
		server.kill();
		return server;
	}

	/**
	 * Stops the node gracefully (SIGTERM): it steps down from what it leads and closes its clients.
	 * @return the node
	 */
	public NatsServer stop(String node) {
		NatsServer server = node(node);
		server.stop();
		return server;
	}

	/**
	 * Starts a stopped or killed node again, with its store, and waits until the cluster is ready.
	 * @return the node
	 */
	public NatsServer start(String node) {
		NatsServer server = node(node);
		server.start();
		awaitReady();
		return server;
	}

	/**
	 * Stops the node gracefully, starts it again and waits until the cluster is ready: one step of a rolling
	 * restart.
	 * @return the node
	 */
	public NatsServer restart(String node) {
		stop(node);
		return start(node);
	}

	/**
	 * Puts the node into lame duck mode: it stops accepting clients, tells connected ones at once, closes them
	 * after the grace period and exits after the lame duck duration. The server allows no duration under 30
	 * seconds; shorten the grace period ({@code lame_duck_grace_period: 1s} through {@link Builder#config(String)})
	 * to have clients move sooner, and {@link #stop(String) stop} the node once the test saw what it needed.
	 * @return the node
	 */
	public NatsServer enterLameDuckMode(String node) {
		NatsServer server = node(node);
		server.enterLameDuckMode();
		return server;
	}

	/** The node of this name ({@code n1}, {@code n2}, ...). */
	public NatsServer node(String name) {
		NatsServer node = this.nodes.get(name);
		if (node == null) {
			throw new IllegalArgumentException("No node '" + name + "' in " + this + " (nodes: " + this.nodes.keySet()
					+ ")");
		}
		return node;
	}

	/** Every node, running or not, in name order. */
	public List<NatsServer> nodes() {
		return List.copyOf(this.nodes.values());
	}

	/** The nodes whose process runs. */
	public List<NatsServer> running() {
		return this.nodes.values().stream().filter(NatsServer::isRunning).toList();
	}

	/** The client URLs of every node. */
	public List<String> urls() {
		return this.nodes.values().stream().map(NatsServer::url).toList();
	}

	/** The client URLs of every node, comma separated, as {@code nats.servers} takes them. */
	public String url() {
		return String.join(",", urls());
	}

	/** The leaf node URLs hub-side, {@code nats-leaf://127.0.0.1:<port>} for every node. */
	public List<String> leafNodeUrls() {
		return this.leafNodePorts.values().stream().map((port) -> "nats-leaf://127.0.0.1:" + port).toList();
	}

	/** The leaf nodes started with the cluster (see {@link Builder#leafNode(String)}). */
	public List<NatsLeafNode> leafNodes() {
		return List.copyOf(this.leafNodes);
	}

	/** The leaf node started with the cluster whose JetStream domain is the given one. */
	public NatsLeafNode leafNode(String domain) {
		return this.leafNodes.stream()
			.filter((leaf) -> domain.equals(leaf.domain()))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No leaf node with domain '" + domain + "' in " + this));
	}

	/** The cluster name. */
	public String name() {
		return this.name;
	}

	/** The JetStream domain of the cluster, or {@code null} when it has none. */
	public String jetStreamDomain() {
		return this.jetStreamDomain;
	}

	/** The server version the nodes run. */
	public String version() {
		return this.nodes.values().iterator().next().version();
	}

	/** Stops the leaf nodes and every node, and deletes their folders. */
	@Override
	public synchronized void close() {
		this.leafNodes.forEach(NatsLeafNode::close);
		this.leafNodes.clear();
		closeAll(this.nodes.values());
	}

	private static void closeAll(Collection<NatsServer> servers) {
		// killed, not stopped: a graceful stop of the last nodes waits for a quorum that is gone
		servers.forEach(NatsServer::kill);
		servers.forEach(NatsServer::close);
	}

	@Override
	public String toString() {
		return "NatsCluster[" + this.name + ", " + this.nodes.values()
			.stream()
			.map((node) -> node.name() + "=" + node.port() + (node.isRunning() ? "" : " (down)"))
			.collect(Collectors.joining(", ")) + "]";
	}

	/** Builds a {@link NatsCluster}. */
	public static final class Builder {

		private int size = 3;

		private String name = "test-cluster";

		private NatsServerBinary binary;

		private String jetStreamDomain;

		private final List<String> configBlocks = new ArrayList<>();

		private final Map<String, List<String>> nodeConfigBlocks = new LinkedHashMap<>();

		private Duration startTimeout = Duration.ofSeconds(20);

		private Duration readyTimeout = Duration.ofSeconds(30);

		private final List<NatsLeafNode.Builder> leafNodes = new ArrayList<>();

		private Builder() {
		}

		/** How many nodes (default 3; JetStream needs a majority of them running). */
		public Builder size(int size) {
			if (size < 1) {
				throw new IllegalArgumentException("A cluster has at least one node");
			}
			this.size = size;
			return this;
		}

		/** The cluster name (default {@code test-cluster}), as placement declarations name it. */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/** Use the binary of this version ({@code latest}, {@code 2.10}) instead of the run's default. */
		public Builder version(String version) {
			this.binary = NatsServerBinary.forVersion(version);
			return this;
		}

		public Builder binary(NatsServerBinary binary) {
			this.binary = binary;
			return this;
		}

		/** Puts the cluster's JetStream into this domain, as leaf nodes with their own domain reach it. */
		public Builder jetStreamDomain(String jetStreamDomain) {
			this.jetStreamDomain = jetStreamDomain;
			return this;
		}

		/** Appends a block to every node's configuration, for example {@code lame_duck_duration: 5s}. */
		public Builder config(String block) {
			this.configBlocks.add(block);
			return this;
		}

		/**
		 * Appends a block to one node's configuration.
		 * @param node the node's name, {@code n1} to {@code n<size>}
		 * @param block the configuration block
		 */
		public Builder nodeConfig(String node, String block) {
			this.nodeConfigBlocks.computeIfAbsent(node, (key) -> new ArrayList<>()).add(block);
			return this;
		}

		/**
		 * Gives a node server tags, as stream and bucket placement selects nodes by them.
		 * @param node the node's name
		 * @param tags the tags, for example {@code az:1}
		 */
		public Builder tags(String node, String... tags) {
			return nodeConfig(node, "server_tags: [" + java.util.Arrays.stream(tags)
				.map((tag) -> "\"" + tag + "\"")
				.collect(Collectors.joining(", ")) + "]");
		}

		/** How long each node may take to report it is ready. */
		public Builder startTimeout(Duration startTimeout) {
			this.startTimeout = startTimeout;
			return this;
		}

		/** How long to wait for elections and catch-up, and for a stream or consumer leader (default 30s). */
		public Builder readyTimeout(Duration readyTimeout) {
			this.readyTimeout = readyTimeout;
			return this;
		}

		/**
		 * Starts a leaf node attached to the cluster, with JetStream in a domain of its own, once the cluster is
		 * ready; find it with {@link NatsCluster#leafNode(String)}.
		 * @param domain the leaf node's JetStream domain
		 */
		public Builder leafNode(String domain) {
			return leafNode(NatsLeafNode.builder().jetStreamDomain(domain));
		}

		/** Starts a leaf node built from this builder (its hub is set to the cluster) once the cluster is ready. */
		public Builder leafNode(NatsLeafNode.Builder leafNode) {
			this.leafNodes.add(leafNode);
			return this;
		}

		public NatsCluster build() {
			return new NatsCluster(this);
		}

	}

}
