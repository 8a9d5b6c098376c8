package io.github.natsspring.sample.billing;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.natsspring.test.NatsServer;

/**
 * Records what the dashboard shows for the sample under load, from real scrapes of {@code /actuator/prometheus}:
 * 30 s healthy, 15 s with poison events (dead letters) and invalid commands (service errors), a 10 s server outage,
 * then recovery. Writes one line per second to a TSV that {@code docs/monitoring/plot.gp} renders. Not a test:
 * run it by hand when the meters change.
 *
 * <pre>
 * ./mvnw -q -pl sample-billing-service -am test-compile -DskipTests
 * ./mvnw -q -pl sample-billing-service exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.natsspring.sample.billing.DashboardCapture -Dexec.args=target/dashboard.tsv
 * gnuplot -e "data='sample-billing-service/target/dashboard.tsv'" docs/monitoring/plot.gp
 * </pre>
 */
public final class DashboardCapture {

	private static final int SECONDS = 80;

	private DashboardCapture() {
	}

	public static void main(String[] args) throws Exception {
		Path out = Path.of((args.length > 0) ? args[0] : "target/dashboard.tsv");
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start()) {
			SpringApplication application = new SpringApplication(BillingApplication.class);
			try (ConfigurableApplicationContext context = application.run("--spring.profiles.active=test",
					"--server.port=0", "--server.address=127.0.0.1", "--nats.servers=" + server.url(),
					"--nats.reconnect.wait=1s", "--logging.level.root=WARN")) {
				int port = ((WebServerApplicationContext) context).getWebServer().getPort();
				capture(server, port, out);
			}
		}
	}

	private static void capture(NatsServer server, int port, Path out) throws Exception {
		AtomicBoolean poison = new AtomicBoolean();
		AtomicBoolean running = new AtomicBoolean(true);
		Connection load = Nats.connect(Options.builder().server(server.url()).reconnectWait(Duration.ofMillis(500))
			.maxReconnects(-1).build());
		Thread traffic = new Thread(() -> generate(load, poison, running), "load");
		traffic.start();
		HttpClient http = HttpClient.newHttpClient();
		Map<String, Double> previous = null;
		try (PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
			tsv.println("t\tconnected\tacked\tretried\tdead_lettered\tpending\tack_pending\trequests\terrors\treconnects");
			long start = System.nanoTime();
			for (int second = 0; second <= SECONDS; second++) {
				long due = start + Duration.ofSeconds(second).toNanos();
				Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
				poison.set(second >= 30 && second < 45);
				if (second == 50) {
					server.stop();
				}
				if (second == 60) {
					server.start();
				}
				Map<String, Double> now = scrape(http, port);
				if (previous != null) {
					tsv.printf("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%n", second, now.get("connected"),
							delta(now, previous, "acked"), delta(now, previous, "retried"),
							delta(now, previous, "dead_lettered"), now.get("pending"), now.get("ack_pending"),
							delta(now, previous, "requests"), delta(now, previous, "errors"), now.get("reconnects"));
					tsv.flush();
				}
				previous = now;
			}
		}
		finally {
			running.set(false);
			traffic.join(5000);
			load.close();
		}
	}

	private static double delta(Map<String, Double> now, Map<String, Double> before, String key) {
		return Math.max(0, now.get(key) - before.get(key));
	}

	/** About 40 commands a second, and during the poison phase 10 bad events and 10 invalid commands. */
	private static void generate(Connection connection, AtomicBoolean poison, AtomicBoolean running) {
		while (running.get()) {
			try {
				for (int i = 0; i < 4; i++) {
					String command = "{\"invoiceId\":\"inv-" + UUID.randomUUID().toString().substring(0, 8)
							+ "\",\"customerId\":\"acme\",\"lines\":[{\"description\":\"Item\",\"quantity\":1,"
							+ "\"unitPriceCents\":1000}]}";
					connection.request("billing.cmd.invoice.create", command.getBytes(StandardCharsets.UTF_8),
							Duration.ofSeconds(1));
				}
				if (poison.get()) {
					connection.jetStream().publish("billing.evt.invoice.paid",
							"{\"eventId\":\"paid:x\",\"type\":\"PAID\"}".getBytes(StandardCharsets.UTF_8));
					connection.request("billing.cmd.invoice.create",
							"{\"invoiceId\":\"x\",\"lines\":[]}".getBytes(StandardCharsets.UTF_8),
							Duration.ofSeconds(1));
				}
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (Exception ex) {
				// the server is down: keep trying, as clients do
				try {
					Thread.sleep(200);
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
		}
	}

	private static Map<String, Double> scrape(HttpClient http, int port) throws IOException, InterruptedException {
		String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
			.build(), HttpResponse.BodyHandlers.ofString()).body();
		Map<String, Double> values = new HashMap<>();
		values.put("connected", sum(text, "nats_client_connected", (labels) -> true));
		values.put("acked", sum(text, "nats_listener_seconds_count", (labels) -> labels.contains("outcome=\"acked\"")));
		values.put("retried", sum(text, "nats_listener_seconds_count", (labels) -> labels.contains("outcome=\"retried\"")));
		values.put("dead_lettered", sum(text, "nats_listener_seconds_count",
				(labels) -> labels.contains("outcome=\"dead-lettered\"")));
		values.put("pending", sum(text, "nats_listener_pending", (labels) -> true));
		values.put("ack_pending", sum(text, "nats_listener_ack_pending", (labels) -> true));
		values.put("requests", sum(text, "nats_service_requests_seconds_count", (labels) -> true));
		values.put("errors", sum(text, "nats_service_errors_total", (labels) -> true));
		values.put("reconnects", sum(text, "nats_client_reconnects_total", (labels) -> true));
		return values;
	}

	private static double sum(String text, String metric, Predicate<String> labels) {
		double total = 0;
		for (String line : text.split("\n")) {
			if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
				int space = line.lastIndexOf(' ');
				String series = line.substring(0, space);
				if (labels.test(series)) {
					total += Double.parseDouble(line.substring(space + 1));
				}
			}
		}
		return total;
	}

}
