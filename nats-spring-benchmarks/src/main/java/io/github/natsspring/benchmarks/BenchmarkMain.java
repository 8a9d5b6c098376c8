package io.github.natsspring.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.natsspring.test.NatsServer;

/**
 * Runs every pair against one fresh nats-server on loopback and prints a Markdown table (also written to
 * {@code target/benchmarks.md}). The starter's side runs in a Spring application as users run it: Actuator,
 * Micrometer and a Prometheus registry on the classpath. Each pair is warmed up, then measured {@code rounds} times
 * with the two sides alternating (raw first in even rounds, the starter first in odd ones); the table shows each
 * side's median, their ratio, and the lowest and highest ratio of a single round (the two sides of a round run one
 * after the other; for startup, one rotation of the JVMs), so the spread shows how much the machine moved during the
 * run. With {@code profile=true} each side runs two more rounds under JFR and the top frames go to
 * {@code target/profiles.md}.
 * <p>
 * Arguments (all optional): {@code operations=<n>} per round (pairs scale it: request-reply one at a time uses a
 * twentieth), {@code rounds=<n>}, {@code filter=<text>} to run only pairs whose name contains the text,
 * {@code profile=true}, {@code startup=false} to skip the startup pair.
 */
@SpringBootApplication
public class BenchmarkMain {

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args);
		Report report = run(settings);
		String table = report.table();
		System.out.println(table);
		Path out = Path.of("target", "benchmarks.md");
		Files.createDirectories(out.getParent());
		Files.writeString(out, table);
		if (!report.profiles().isEmpty()) {
			Files.writeString(Path.of("target", "profiles.md"), report.profiles());
			System.out.println("Profiles written to target/profiles.md");
		}
	}

	static List<Pair> allPairs() {
		List<Pair> pairs = new ArrayList<>(CorePairs.all());
		pairs.addAll(ServicePairs.all());
		pairs.addAll(JetStreamPairs.all());
		pairs.addAll(ReconcilePairs.all());
		return pairs;
	}

	static Report run(Settings settings) throws Exception {
		List<Row> rows = new ArrayList<>();
		StringBuilder profiles = new StringBuilder();
		String environmentLine;
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start();
				Connection load = Nats.connect(new Options.Builder().server(server.url()).build());
				Connection raw = Nats.connect(new Options.Builder().server(server.url()).build());
				ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkMain.class)
					.web(WebApplicationType.NONE)
					.logStartupInfo(false)
					.run("--nats.servers=" + server.url(), "--spring.main.banner-mode=off",
							"--logging.level.root=WARN")) {
			BenchmarkEnvironment environment = new BenchmarkEnvironment(server.url(), server.version(), load, raw,
					context);
			for (Pair pair : allPairs()) {
				if (settings.filter != null && !pair.name().contains(settings.filter)) {
					continue;
				}
				rows.add(measure(environment, pair, settings, profiles));
			}
			environmentLine = "nats-server " + environment.serverVersion() + ", "
					+ Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
					+ ", " + settings.rounds + " rounds per side, median";
		}
		if (settings.startup && (settings.filter == null || "startup".contains(settings.filter))) {
			rows.addAll(StartupPair.measure(settings.startupRuns));
		}
		return new Report(rows, environmentLine, profiles.toString());
	}

	private static Row measure(BenchmarkEnvironment environment, Pair pair, Settings settings,
			StringBuilder profiles) throws Exception {
		int operations = pair.operations(settings.operations);
		boolean warmUp = pair.scale() > 0;
		if (warmUp) {
			pair.raw().run(environment, operations);
			pair.starter().run(environment, operations);
		}
		List<Result> raw = new ArrayList<>();
		List<Result> starter = new ArrayList<>();
		for (int round = 0; round < settings.rounds; round++) {
			if (round % 2 == 0) {
				raw.add(measured(environment, pair.raw(), operations));
				starter.add(measured(environment, pair.starter(), operations));
			}
			else {
				starter.add(measured(environment, pair.starter(), operations));
				raw.add(measured(environment, pair.raw(), operations));
			}
		}
		if (settings.profile) {
			profiles.append("## ").append(pair.name()).append("\n\n");
			for (Side side : List.of(pair.raw(), pair.starter())) {
				Profiler profiler = Profiler.start(Path.of("target", "profiles").resolve(
						(pair.name() + "-" + side.label()).replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT)
								+ ".jfr"));
				long done = 0;
				for (int i = 0; i < 2; i++) {
					done += side.run(environment, operations).operations();
				}
				profiles.append("### ").append(side.label()).append("\n\n").append(profiler.stop(done)).append('\n');
			}
		}
		return new Row(pair, raw, starter);
	}

	private static Result measured(BenchmarkEnvironment environment, Side side, int operations) throws Exception {
		System.gc();
		ResourceMeter before = ResourceMeter.now();
		Result result = side.run(environment, operations);
		return result.withUsage(before.since(result.operations()));
	}

	static double median(List<Result> results, ToDoubleFunction<Result> metric) {
		double[] values = results.stream().mapToDouble(metric).sorted().toArray();
		if (values.length == 0) {
			return Double.NaN;
		}
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	/**
	 * One pair's rounds.
	 *
	 * @param pair the pair
	 * @param raw the raw side's rounds
	 * @param starter the starter side's rounds
	 */
	record Row(Pair pair, List<Result> raw, List<Result> starter) {

		/**
		 * The comparison the goal asks for: a throughput or latency ratio, or the extra milliseconds.
		 */
		double compare() {
			return compare(this.raw, this.starter);
		}

		private double compare(List<Result> rawRounds, List<Result> starterRounds) {
			return switch (this.pair.goal().kind()) {
				case THROUGHPUT -> median(starterRounds, Result::perSecond) / median(rawRounds, Result::perSecond);
				case P50 -> median(starterRounds, (result) -> result.percentileMicros(50))
						/ median(rawRounds, (result) -> result.percentileMicros(50));
				case EXTRA_MILLIS -> (median(starterRounds, (result) -> result.percentileMicros(50))
						- median(rawRounds, (result) -> result.percentileMicros(50))) / 1000.0;
			};
		}

		/**
		 * The comparison of each round alone (the two sides run one after the other, or the JVMs of one rotation):
		 * how much the machine's state moved the result during the run.
		 * @return the lowest and highest of them, empty with fewer than two rounds (or no comparable ones)
		 */
		String roundSpread() {
			int rounds = Math.min(this.raw.size(), this.starter.size());
			if (rounds < 2) {
				return "";
			}
			double low = Double.POSITIVE_INFINITY;
			double high = Double.NEGATIVE_INFINITY;
			for (int i = 0; i < rounds; i++) {
				double value = compare(List.of(this.raw.get(i)), List.of(this.starter.get(i)));
				if (Double.isNaN(value)) {
					continue;
				}
				low = Math.min(low, value);
				high = Math.max(high, value);
			}
			if (low > high) {
				return "";
			}
			return (this.pair.goal().kind() == Pair.Goal.Kind.EXTRA_MILLIS)
					? String.format(Locale.ROOT, "%+.0f – %+.0f ms", low, high)
					: String.format(Locale.ROOT, "%.2f – %.2f", low, high);
		}

		String compared() {
			double value = compare();
			return (this.pair.goal().kind() == Pair.Goal.Kind.EXTRA_MILLIS)
					? String.format(Locale.ROOT, "**%+.0f ms**", value) : String.format(Locale.ROOT, "**%.2f**", value);
		}

		String cells(List<Result> results) {
			if (this.pair.goal().kind() == Pair.Goal.Kind.EXTRA_MILLIS) {
				return String.format(Locale.ROOT, "ready after %.0f ms (median of %d JVMs) |  | ",
						median(results, (result) -> result.percentileMicros(50)) / 1000.0, results.size());
			}
			String speed = String.format(Locale.ROOT, "%,.0f", median(results, Result::perSecond));
			double p50 = median(results, (result) -> result.percentileMicros(50));
			if (!Double.isNaN(p50)) {
				speed += String.format(Locale.ROOT, " (p50 %.0f µs)", p50);
			}
			double cpu = median(results, (result) -> result.usage().cpuNanos() / 1000.0);
			double bytes = median(results, (result) -> result.usage().allocatedBytes());
			return speed + " | " + String.format(Locale.ROOT, "%.2f", cpu) + " | "
					+ String.format(Locale.ROOT, "%,.0f", bytes);
		}

	}

	/**
	 * What a run produced.
	 *
	 * @param rows one per pair
	 * @param environment the server, machine and settings
	 * @param profiles the JFR summaries, empty unless asked for
	 */
	record Report(List<Row> rows, String environment, String profiles) {

		String table() {
			StringBuilder table = new StringBuilder();
			table.append(this.environment).append("\n\n");
			table.append("| pair | side | ops/s | CPU µs/op | alloc B/op | ratio | each round | target |\n");
			table.append("|---|---|---:|---:|---:|---:|---:|---|\n");
			for (Row row : this.rows) {
				Pair.Goal goal = row.pair().goal();
				String verdict = goal.describe().isEmpty() ? "" : goal.describe() + (goal.met(row.compare()) ? " ✓" : " ✗");
				table.append("| ").append(row.pair().name()).append(" | ").append(row.pair().raw().label())
					.append(" | ").append(row.cells(row.raw())).append(" |  |  |  |\n");
				table.append("|  | ").append(row.pair().starter().label()).append(" | ")
					.append(row.cells(row.starter())).append(" | ")
					.append(row.compared()).append(" | ").append(row.roundSpread()).append(" | ").append(verdict)
					.append(" |\n");
			}
			return table.toString();
		}

	}

	/**
	 * Command-line settings.
	 */
	static final class Settings {

		int operations = 200_000;

		int rounds = 5;

		String filter;

		boolean profile;

		boolean startup = true;

		int startupRuns = 7;

		static Settings parse(String[] args) {
			Settings settings = new Settings();
			for (String arg : args) {
				String[] pair = arg.split("=", 2);
				switch (pair[0]) {
					case "operations" -> settings.operations = Integer.parseInt(pair[1]);
					case "rounds" -> settings.rounds = Integer.parseInt(pair[1]);
					case "filter" -> settings.filter = pair[1];
					case "profile" -> settings.profile = Boolean.parseBoolean(pair[1]);
					case "startup" -> settings.startup = Boolean.parseBoolean(pair[1]);
					case "startupRuns" -> settings.startupRuns = Integer.parseInt(pair[1]);
					default -> throw new IllegalArgumentException("Unknown argument " + arg);
				}
			}
			return settings;
		}

	}

}
