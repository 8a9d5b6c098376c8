package io.github.natsspring.sample.billing.dev;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsLifecyclePhases;
import io.github.natsspring.test.NatsServer;

/**
 * The sample's development default: when no NATS server answers at the configured local address, start one
 * (with JetStream) on that port before the connection starts, and stop it after the connection has drained.
 * Only active in the default profile and only for localhost addresses: with a real server configured
 * ({@code NATS_URL} or {@code nats.servers}) nothing is started.
 */
public class DevNatsServer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DevNatsServer.class);

	/** Kept between runs, so invoices and events survive a restart of the sample. */
	private static final Path STORE = Path.of(System.getProperty("java.io.tmpdir"), "billing-service-dev-nats");

	private final List<String> servers;

	private NatsServer server;

	public DevNatsServer(List<String> servers) {
		this.servers = servers;
	}

	@Override
	public int getPhase() {
		return NatsLifecyclePhases.CONNECTION - 100;
	}

	@Override
	public void start() {
		if (this.servers.size() != 1) {
			return;
		}
		URI uri = URI.create(this.servers.get(0));
		boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
		int port = (uri.getPort() > 0) ? uri.getPort() : 4222;
		if (!local || isReachable(uri.getHost(), port)) {
			return;
		}
		try {
			this.server = NatsServer.builder()
				.port(port)
				.name("billing-dev")
				.jetStream(true)
				.storeDirectory(STORE)
				.build()
				.start();
			logger.info("No NATS server at " + uri + ": started a local development server (nats-server "
					+ this.server.version() + ", JetStream data kept in " + this.server.storeDirectory()
					+ "). Set NATS_URL to use a real one.");
		}
		catch (RuntimeException ex) {
			logger.warn("No NATS server at " + uri + " and no local one could be started (" + ex.getMessage()
					+ "). The service starts anyway and connects once a server is there.");
		}
	}

	private static boolean isReachable(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 300);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void stop() {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

}
