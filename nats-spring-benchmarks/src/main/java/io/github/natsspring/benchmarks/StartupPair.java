package io.github.natsspring.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.natsspring.startupbench.StartupApplication;
import io.github.natsspring.test.NatsServer;

/**
 * Startup: an application with one listener of each kind and 10 declared streams against the same application
 * without the starter, each started in a fresh JVM (alternating), measured as the JVM's uptime when the application
 * is ready. The streams exist already (a first, unmeasured start created them), as on every start but the first.
 */
final class StartupPair {

	private StartupPair() {
	}

	/**
	 * Measures the pair, and the same application against one that does the starter's startup work with jnats.
	 * @return the pair's row, then the comparison with jnats (no target)
	 */
	static List<BenchmarkMain.Row> measure(int runs) throws Exception {
		List<Result> plain = new ArrayList<>();
		List<Result> jnats = new ArrayList<>();
		List<Result> starter = new ArrayList<>();
		String[] modes = { "plain", "starter", "jnats" };
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start()) {
			for (String mode : modes) {
				start(mode, server.url());
			}
			for (int run = 0; run < runs; run++) {
				for (int i = 0; i < modes.length; i++) {
					// rotating the order, so that no side always runs right after another
					String mode = modes[(run + i) % modes.length];
					Result result = start(mode, server.url());
					switch (mode) {
						case "plain" -> plain.add(result);
						case "jnats" -> jnats.add(result);
						default -> starter.add(result);
					}
				}
			}
		}
		Side withStarter = Side.of("with the starter", (environment, operations) -> null);
		Pair pair = new Pair("startup: one listener of each kind + 10 declared streams",
				Side.of("without the starter", (environment, operations) -> null), withStarter,
				Pair.Goal.extraMillis(150), 0);
		Pair againstJnats = new Pair("startup, against the same work done with jnats (no target)",
				Side.of("without the starter, jnats connecting, checking the streams, subscribing, consuming, "
						+ "watching and serving", (environment, operations) -> null),
				withStarter, new Pair.Goal(Pair.Goal.Kind.EXTRA_MILLIS, 0), 0);
		return List.of(new BenchmarkMain.Row(pair, plain, starter), new BenchmarkMain.Row(againstJnats, jnats, starter));
	}

	/**
	 * This JVM's application classpath: the class loader's under {@code exec:java}, else {@code java.class.path}.
	 */
	private static String classpath() throws Exception {
		if (StartupPair.class.getClassLoader() instanceof URLClassLoader loader) {
			List<String> entries = new ArrayList<>();
			for (URL url : loader.getURLs()) {
				entries.add(Path.of(url.toURI()).toString());
			}
			return String.join(File.pathSeparator, entries);
		}
		return System.getProperty("java.class.path");
	}

	/**
	 * Starts the application in a fresh JVM; the result holds the time to ready as a single latency.
	 */
	private static Result start(String mode, String url) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-cp", classpath(),
				StartupApplication.class.getName(), mode, url)
			.redirectErrorStream(true)
			.start();
		long readyMillis = -1;
		StringBuilder output = new StringBuilder();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				output.append(line).append('\n');
				if (line.startsWith(StartupApplication.READY)) {
					readyMillis = Long.parseLong(line.substring(StartupApplication.READY.length()).trim());
				}
			}
		}
		if (!process.waitFor(60, TimeUnit.SECONDS) || readyMillis < 0) {
			process.destroyForcibly();
			throw new IllegalStateException("The " + mode + " application did not start:\n" + output);
		}
		long nanos = TimeUnit.MILLISECONDS.toNanos(readyMillis);
		return Result.latencies(1, nanos, new long[] { nanos }).withUsage(new ResourceMeter.Usage(0, 0));
	}

}
