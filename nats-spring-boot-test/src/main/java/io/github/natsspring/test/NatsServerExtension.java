package io.github.natsspring.test;

import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs a real {@link NatsServer} for a test class (as a static field) or for each
 * test (as an instance field), and removes it and its files afterwards.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NatsServerExtension nats = NatsServerExtension.jetStream();
 *
 * @DynamicPropertySource
 * static void nats(DynamicPropertyRegistry registry) {
 *     registry.add("nats.servers", nats::url);
 * }
 * }</pre>
 */
public final class NatsServerExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final Consumer<NatsServer.Builder> customizer;

	private NatsServer server;

	private boolean perClass;

	private NatsServerExtension(Consumer<NatsServer.Builder> customizer) {
		this.customizer = customizer;
	}

	/** A server with JetStream enabled. */
	public static NatsServerExtension jetStream() {
		return new NatsServerExtension((builder) -> builder.jetStream(true));
	}

	/** A server configured by the given customizer (JetStream is on unless the customizer turns it off). */
	public static NatsServerExtension withConfig(Consumer<NatsServer.Builder> customizer) {
		return new NatsServerExtension(customizer);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.perClass = true;
		startIfNeeded();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.perClass) {
			closeServer();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		startIfNeeded();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (!this.perClass) {
			closeServer();
		}
	}

	private synchronized void startIfNeeded() {
		if (this.server == null) {
			NatsServer.Builder builder = NatsServer.builder();
			this.customizer.accept(builder);
			this.server = builder.build().start();
		}
		else if (!this.server.isRunning()) {
			// a test stopped it to simulate an outage: the next test gets it back
			this.server.start();
		}
	}

	private synchronized void closeServer() {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	/** The running server. */
	public NatsServer server() {
		if (this.server == null) {
			startIfNeeded();
		}
		return this.server;
	}

	/** The server's client URL; safe to call from {@code @DynamicPropertySource} before the extension ran. */
	public String url() {
		return server().url();
	}

}
