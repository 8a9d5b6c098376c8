package io.github.natsspring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.nats.client.support.JsonValue;

/**
 * A real {@code nats-server} running as a leaf node of a {@link NatsCluster} (its hub), with JetStream in a domain
 * of its own. Applications connected to the leaf reach the leaf's JetStream as usual and the hub's through the hub's
 * domain ({@code $JS.<hub-domain>.API}); core subjects flow both ways. {@link #start()} returns once the leaf
 * connection is up and the leaf's JetStream is ready.
 *
 * <pre>{@code
 * try (NatsCluster hub = NatsCluster.builder().jetStreamDomain("hub").build().start();
 *         NatsLeafNode leaf = NatsLeafNode.builder().hub(hub).jetStreamDomain("leaf").build().start()) {
 *     connect(leaf.url());
 * }
 * }</pre>
 */
public final class NatsLeafNode implements AutoCloseable {

	private final NatsServer server;

	private final String domain;

	private final Duration readyTimeout;

	private NatsLeafNode(Builder builder) {
		if (builder.hub == null) {
			throw new IllegalStateException("A leaf node needs a hub: NatsLeafNode.builder().hub(cluster)");
		}
		this.domain = builder.domain;
		this.readyTimeout = builder.readyTimeout;
		String remotes = builder.hub.leafNodeUrls().stream().collect(Collectors.joining(", "));
		NatsServer.Builder server = NatsServer.builder()
			.binary((builder.binary != null) ? builder.binary
					: builder.hub.nodes().get(0).binary())
			.name((builder.name != null) ? builder.name : "leaf-" + ((this.domain != null) ? this.domain : "node"))
			.jetStream(builder.jetStream)
			.jetStreamDomain(this.domain)
			.monitoring(true)
			.config("leafnodes {\n  remotes: [ { urls: [" + remotes + "] } ]\n}");
		builder.configBlocks.forEach(server::config);
		this.server = server.build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the leaf node and waits until it is connected to the hub and its JetStream is ready.
	 * @return this leaf node
	 */
	public NatsLeafNode start() {
		this.server.start();
		long deadline = System.nanoTime() + this.readyTimeout.toNanos();
		while (!isConnected() || !ServerMonitor.isHealthy(this.server)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Leaf node " + this.server.name() + " did not connect to its hub within "
						+ this.readyTimeout + ":\n" + this.server.readLog());
			}
			NatsServer.sleep(50);
		}
		return this;
	}

	/** Whether the leaf connection to the hub is up. */
	public boolean isConnected() {
		JsonValue leafz = ServerMonitor.json(this.server, "/leafz");
		JsonValue count = ServerMonitor.field(leafz, "leafnodes");
		return count != null && count.i != null && count.i > 0;
	}

	/** The leaf node's server, to stop, kill or restart it. */
	public NatsServer server() {
		return this.server;
	}

	/** The client URL of the leaf node. */
	public String url() {
		return this.server.url();
	}

	/** The leaf node's JetStream domain, or {@code null} when it has none. */
	public String domain() {
		return this.domain;
	}

	/** Stops the leaf node and deletes its folder. */
	@Override
	public void close() {
		this.server.close();
	}

	@Override
	public String toString() {
		return "NatsLeafNode[" + this.server.url() + ", domain " + this.domain + "]";
	}

	/** Builds a {@link NatsLeafNode}. */
	public static final class Builder {

		private NatsCluster hub;

		private String domain;

		private String name;

		private boolean jetStream = true;

		private NatsServerBinary binary;

		private final List<String> configBlocks = new ArrayList<>();

		private Duration readyTimeout = Duration.ofSeconds(30);

		private Builder() {
		}

		/** The cluster the leaf node connects to (to every node of it, so it survives one going down). */
		public Builder hub(NatsCluster hub) {
			this.hub = hub;
			return this;
		}

		/** The leaf node's JetStream domain; it must differ from the hub's. */
		public Builder jetStreamDomain(String domain) {
			this.domain = domain;
			return this;
		}

		/** Whether the leaf node runs JetStream itself (default true). */
		public Builder jetStream(boolean jetStream) {
			this.jetStream = jetStream;
			return this;
		}

		/** The leaf node's server name; by default {@code leaf-<domain>}. */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/** The binary to run; by default the hub's. */
		public Builder binary(NatsServerBinary binary) {
			this.binary = binary;
			return this;
		}

		/** Appends a block to the leaf node's configuration. */
		public Builder config(String block) {
			this.configBlocks.add(block);
			return this;
		}

		/** How long to wait for the leaf connection and the leaf's JetStream (default 30s). */
		public Builder readyTimeout(Duration readyTimeout) {
			this.readyTimeout = readyTimeout;
			return this;
		}

		public NatsLeafNode build() {
			return new NatsLeafNode(this);
		}

	}

}
