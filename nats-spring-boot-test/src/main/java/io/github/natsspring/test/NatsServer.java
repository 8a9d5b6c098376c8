package io.github.natsspring.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code nats-server} process on loopback, with its own configuration file, JetStream store
 * directory and log file, all in a temporary folder that {@link #close()} removes.
 * <p>
 * The port stays the same across {@link #stop()} / {@link #start()}, so a test can restart the server and
 * watch clients reconnect; the JetStream store survives a restart (file storage) unless the folder is removed.
 * Extra configuration blocks (authorization, TLS, accounts, operator mode, cluster) are appended to the
 * generated file verbatim, see {@link Builder#config(String)}.
 *
 * <pre>{@code
 * try (NatsServer server = NatsServer.builder().jetStream(true).build().start()) {
 *     connect(server.url());
 * }
 * }</pre>
 */
public final class NatsServer implements AutoCloseable {

	private static final Set<NatsServer> running = ConcurrentHashMap.newKeySet();

	private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(NatsServer::kill), "nats-server-cleanup"));
	}

	private final NatsServerBinary binary;

	private final boolean jetStream;

	private final List<String> configBlocks;

	private final Path directory;

	private final int port;

	private final int monitorPort;

	private final String name;

	private final Duration startTimeout;

	private final Path keptStoreDirectory;

	private final String jetStreamDomain;

	private volatile Process process;

	private NatsServer(Builder builder) {
		this.binary = (builder.binary != null) ? builder.binary : NatsServerBinary.forCurrentRun();
		this.jetStream = builder.jetStream;
		this.configBlocks = List.copyOf(builder.configBlocks);
		this.startTimeout = builder.startTimeout;
		this.keptStoreDirectory = builder.storeDirectory;
		this.jetStreamDomain = builder.jetStreamDomain;
		try {
			this.directory = Files.createTempDirectory("nats-server-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.port = (builder.port > 0) ? builder.port : freePort();
		this.monitorPort = builder.monitoring ? freePort() : -1;
		this.name = (builder.name != null) ? builder.name : "test-" + this.port;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A started server with JetStream enabled, from the binary the test run asks for. */
	public static NatsServer startJetStream() {
		return builder().jetStream(true).build().start();
	}

	/**
	 * Writes the configuration file and starts the process, waiting until the server reports it is ready.
	 * @return this server
	 */
	public synchronized NatsServer start() {
		if (isRunning()) {
			return this;
		}
		try {
			Path config = writeConfig();
			Path log = this.directory.resolve("server.log");
			Files.deleteIfExists(log);
			ProcessBuilder builder = new ProcessBuilder(this.binary.path().toString(), "-c", config.toString())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
			this.process = builder.start();
			running.add(this);
			awaitReady(log);
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.binary, ex);
		}
	}

	private void awaitReady(Path log) throws IOException {
		long deadline = System.nanoTime() + this.startTimeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("nats-server exited with " + this.process.exitValue() + ":\n" + readLog());
			}
			if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("Server is ready")
					&& isAccepting()) {
				return;
			}
			sleep(20);
		}
		kill();
		throw new IllegalStateException("nats-server did not become ready within " + this.startTimeout + ":\n" + readLog());
	}

	private boolean isAccepting() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Stops the server gracefully (SIGTERM) and waits for it to exit. Its store and port are kept. */
	public synchronized void stop() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		current.destroy();
		try {
			if (!current.waitFor(10, TimeUnit.SECONDS)) {
				current.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
		running.remove(this);
	}

	/** Kills the server at once (SIGKILL), as a crash would. Its store and port are kept. */
	public synchronized void kill() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		current.destroyForcibly();
		try {
			current.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
		running.remove(this);
	}

	/** Stops and starts the server on the same port with the same store. */
	public NatsServer restart() {
		stop();
		return start();
	}

	/** Puts the server into lame duck mode: it stops accepting clients and asks connected ones to move. */
	public void enterLameDuckMode() {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("Server is not running");
		}
		try {
			Process signal = new ProcessBuilder(this.binary.path().toString(), "--signal", "ldm=" + current.pid())
				.redirectErrorStream(true)
				.start();
			signal.waitFor(10, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** The client URL, {@code nats://127.0.0.1:<port>}. */
	public String url() {
		return "nats://127.0.0.1:" + this.port;
	}

	/** The client URL with another scheme, for example {@code tls}. */
	public String url(String scheme) {
		return scheme + "://127.0.0.1:" + this.port;
	}

	public int port() {
		return this.port;
	}

	/** The HTTP monitoring port, or -1 when monitoring was not enabled. */
	public int monitorPort() {
		return this.monitorPort;
	}

	public String name() {
		return this.name;
	}

	public NatsServerBinary binary() {
		return this.binary;
	}

	/** The server's version, for example {@code 2.15.1}. */
	public String version() {
		return this.binary.version();
	}

	/** The folder holding the configuration, the log and the JetStream store. */
	public Path directory() {
		return this.directory;
	}

	/** The JetStream domain of this server, or {@code null} when it has none. */
	public String jetStreamDomain() {
		return this.jetStreamDomain;
	}

	public Path storeDirectory() {
		return (this.keptStoreDirectory != null) ? this.keptStoreDirectory : this.directory.resolve("jetstream");
	}

	/** The server's log so far. */
	public String readLog() {
		try {
			Path log = this.directory.resolve("server.log");
			return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex.getMessage() + ")";
		}
	}

	/** Stops the server and deletes its folder (but not a store directory given to the builder). */
	@Override
	public void close() {
		stop();
		deleteRecursively(this.directory);
	}

	private Path writeConfig() throws IOException {
		StringBuilder config = new StringBuilder();
		config.append("server_name: \"").append(this.name).append("\"\n");
		config.append("host: \"127.0.0.1\"\n");
		config.append("port: ").append(this.port).append('\n');
		if (this.monitorPort > 0) {
			config.append("http: \"127.0.0.1:").append(this.monitorPort).append("\"\n");
		}
		if (this.jetStream) {
			config.append("jetstream {\n  store_dir: \"").append(storeDirectory().toString().replace("\\", "/"))
				.append("\"\n  max_memory_store: 256MB\n  max_file_store: 2GB\n");
			if (this.jetStreamDomain != null) {
				config.append("  domain: \"").append(this.jetStreamDomain).append("\"\n");
			}
			config.append("}\n");
		}
		for (String block : this.configBlocks) {
			config.append(block).append('\n');
		}
		Path file = this.directory.resolve("nats-server.conf");
		Files.writeString(file, config.toString(), StandardCharsets.UTF_8);
		return file;
	}

	/**
	 * A free loopback port, never one handed out before in this JVM: the ports of a cluster are all chosen before
	 * its first node binds any, and the system may offer a port again while it is still unbound.
	 */
	static int freePort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(false);
				socket.bind(new InetSocketAddress("127.0.0.1", 0));
				if (handedOut.add(socket.getLocalPort())) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		throw new IllegalStateException("No free loopback port found");
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static void deleteRecursively(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// best effort: a temp folder left behind is not worth failing a test
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

	@Override
	public String toString() {
		return "NatsServer[" + url() + ", " + this.binary.version() + "]";
	}

	/** Builds a {@link NatsServer}. */
	public static final class Builder {

		private NatsServerBinary binary;

		private boolean jetStream = true;

		private final List<String> configBlocks = new ArrayList<>();

		private int port;

		private boolean monitoring;

		private String name;

		private Duration startTimeout = Duration.ofSeconds(20);

		private Path storeDirectory;

		private String jetStreamDomain;

		private Builder() {
		}

		/**
		 * Keeps the JetStream store in this folder, which {@link NatsServer#close()} leaves in place, so data survives
		 * from one run to the next (a development server, for example). By default the store is temporary.
		 */
		public Builder storeDirectory(Path storeDirectory) {
			this.storeDirectory = storeDirectory;
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

		/** Whether to enable JetStream (default true), with a store folder of the server's own. */
		public Builder jetStream(boolean jetStream) {
			this.jetStream = jetStream;
			return this;
		}

		/** Appends a block to the server configuration, for example an {@code authorization { ... }} block. */
		public Builder config(String block) {
			this.configBlocks.add(block);
			return this;
		}

		/** A fixed port; by default a free one is chosen. */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/** Whether to enable the HTTP monitoring endpoint on a free loopback port. */
		public Builder monitoring(boolean monitoring) {
			this.monitoring = monitoring;
			return this;
		}

		public Builder name(String name) {
			this.name = name;
			return this;
		}

		public Builder startTimeout(Duration startTimeout) {
			this.startTimeout = startTimeout;
			return this;
		}

		/**
		 * Puts this server's JetStream into a domain of its own (a leaf node's, or a hub's that leaf nodes reach as
		 * {@code $JS.<domain>.API}).
		 */
		public Builder jetStreamDomain(String jetStreamDomain) {
			this.jetStreamDomain = jetStreamDomain;
			return this;
		}

		public NatsServer build() {
			return new NatsServer(this);
		}

	}

}
