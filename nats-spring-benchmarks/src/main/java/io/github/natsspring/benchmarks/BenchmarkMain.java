package io.github.natsspring.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.natsspring.test.NatsServer;

/**
 * Runs every scenario pair against one fresh nats-server on loopback and prints a Markdown table (also written to
 * {@code target/benchmarks.md}). Each scenario is warmed up, then measured {@code rounds} times; the table shows
 * the best round, the usual way to read a shared, noisy machine.
 * <p>
 * Arguments (all optional): {@code operations=<n>} per round for throughput scenarios (request-reply uses a tenth),
 * {@code rounds=<n>}, {@code filter=<text>} to run only scenarios whose name contains the text.
 */
@SpringBootApplication
public class BenchmarkMain {

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args);
		List<Result> results = run(settings, allScenarios());
		String table = table(results);
		System.out.println(table);
		Path out = Path.of("target", "benchmarks.md");
		Files.createDirectories(out.getParent());
		Files.writeString(out, table);
	}

	static List<Scenario> allScenarios() {
		List<Scenario> scenarios = new ArrayList<>(CoreScenarios.all());
		scenarios.addAll(MicroScenarios.all());
		scenarios.addAll(JetStreamPublishScenarios.all());
		scenarios.addAll(ReconcileScenarios.all());
		scenarios.addAll(JetStreamScenarios.all());
		return scenarios;
	}

	static List<Result> run(Settings settings, List<Scenario> scenarios) throws Exception {
		List<Result> best = new ArrayList<>();
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start();
				Connection raw = Nats.connect(new Options.Builder().server(server.url()).build());
				ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkMain.class)
					.web(org.springframework.boot.WebApplicationType.NONE)
					.logStartupInfo(false)
					.run("--nats.servers=" + server.url(), "--spring.main.banner-mode=off",
							"--logging.level.root=WARN")) {
			BenchmarkEnvironment environment = new BenchmarkEnvironment(server.url(), server.version(), raw, context);
			for (Scenario scenario : scenarios) {
				if (settings.filter != null && !scenario.name().contains(settings.filter)) {
					continue;
				}
				int operations = scenario.name().contains("request") ? Math.max(100, settings.operations / 10)
						: settings.operations;
				if (!scenario.name().startsWith("reconcile")) {
					scenario.run(environment, Math.max(100, operations / 5));
				}
				Result top = null;
				for (int round = 0; round < settings.rounds; round++) {
					Result result = scenario.run(environment, operations);
					if (top == null || result.perSecond() > top.perSecond()) {
						top = result;
					}
				}
				best.add(top);
			}
			System.out.println("nats-server " + environment.serverVersion() + ", " + Runtime.getRuntime().availableProcessors()
					+ " cores, Java " + System.getProperty("java.version"));
		}
		return best;
	}

	static String table(List<Result> results) {
		StringBuilder table = new StringBuilder();
		table.append("| scenario | variant | ops/s | p50 µs | p99 µs |\n|---|---|---:|---:|---:|\n");
		for (Result result : results) {
			table.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %s |%n", result.scenario(),
					result.variant(), result.perSecond(), micros(result.percentileMicros(50)),
					micros(result.percentileMicros(99))));
		}
		return table.toString();
	}

	private static String micros(double value) {
		return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.0f", value);
	}

	/**
	 * Command-line settings.
	 */
	static final class Settings {

		int operations = 200_000;

		int rounds = 3;

		String filter;

		static Settings parse(String[] args) {
			Settings settings = new Settings();
			for (String arg : args) {
				String[] pair = arg.split("=", 2);
				switch (pair[0]) {
					case "operations" -> settings.operations = Integer.parseInt(pair[1]);
					case "rounds" -> settings.rounds = Integer.parseInt(pair[1]);
					case "filter" -> settings.filter = pair[1];
					default -> throw new IllegalArgumentException("Unknown argument " + arg);
				}
			}
			return settings;
		}

	}

}
