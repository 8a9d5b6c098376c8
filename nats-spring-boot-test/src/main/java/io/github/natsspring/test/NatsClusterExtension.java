package io.github.natsspring.test;

import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs a {@link NatsCluster} for a test class (as a static field) or for each test (as an
 * instance field), and removes it and its files afterwards. A node a test killed or stopped is started again
 * before the next test, which begins with a ready cluster.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NatsClusterExtension nats = NatsClusterExtension.jetStream();
 *
 * @DynamicPropertySource
 * static void nats(DynamicPropertyRegistry registry) {
 *     registry.add("nats.servers", nats::url);
 * }
 * }</pre>
 */
public final class NatsClusterExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final Consumer<NatsCluster.Builder> customizer;

	private NatsCluster cluster;

	private boolean perClass;

	private NatsClusterExtension(Consumer<NatsCluster.Builder> customizer) {
		this.customizer = customizer;
	}

	/** A cluster of three JetStream nodes. */
	public static NatsClusterExtension jetStream() {
		return new NatsClusterExtension((builder) -> {
		});
	}

	/** A cluster configured by the given customizer (size, domain, leaf nodes, extra configuration). */
	public static NatsClusterExtension withConfig(Consumer<NatsCluster.Builder> customizer) {
		return new NatsClusterExtension(customizer);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.perClass = true;
		startIfNeeded();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.perClass) {
			closeCluster();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		startIfNeeded();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (!this.perClass) {
			closeCluster();
		}
	}

	private synchronized void startIfNeeded() {
		if (this.cluster == null) {
			NatsCluster.Builder builder = NatsCluster.builder();
			this.customizer.accept(builder);
			this.cluster = builder.build().start();
			return;
		}
		boolean restarted = false;
		for (NatsServer node : this.cluster.nodes()) {
			if (!node.isRunning()) {
				// a test took it down to simulate an outage: the next test gets it back
				node.start();
				restarted = true;
			}
		}
		for (NatsLeafNode leaf : this.cluster.leafNodes()) {
			if (!leaf.server().isRunning()) {
				leaf.start();
			}
		}
		if (restarted) {
			this.cluster.awaitReady();
		}
	}

	private synchronized void closeCluster() {
		if (this.cluster != null) {
			this.cluster.close();
			this.cluster = null;
		}
	}

	/** The running cluster. */
	public NatsCluster cluster() {
		if (this.cluster == null) {
			startIfNeeded();
		}
		return this.cluster;
	}

	/**
	 * Every node's client URL, comma separated; safe to call from {@code @DynamicPropertySource} before the
	 * extension ran.
	 */
	public String url() {
		return cluster().url();
	}

	/** The leaf node with this JetStream domain, given to the builder with {@code leafNode(domain)}. */
	public NatsLeafNode leafNode(String domain) {
		return cluster().leafNode(domain);
	}

}
