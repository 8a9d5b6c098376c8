package io.github.natsspring.sample.billing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.natsspring.aot.ListenerMethodReflectiveProcessor;
import io.github.natsspring.sample.billing.activity.RecentActivity;
import io.github.natsspring.sample.billing.event.InvoiceEvent;
import io.github.natsspring.sample.billing.projection.InvoiceProjection;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample through Spring's AOT processing, as {@code spring-boot:process-aot} runs it, then started from the
 * generated code on the JVM with {@code -Dspring.aot.enabled=true}, in a JVM of its own: the listener and endpoint
 * discovery works without the configuration classes being parsed at runtime, and one listener of each kind — a
 * service endpoint, a JetStream consumer, a KV watcher and view, a core subscription — does its job against a real
 * server.
 */
class AotProcessedApplicationTests {

	private static final Path OUTPUT = Path.of("target", "aot-test");

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	@RegisterExtension
	static final NatsServerExtension server = NatsServerExtension.jetStream();

	private static final List<String> output = new CopyOnWriteArrayList<>();

	private static Process application;

	private static Connection raw;

	private static final JsonMapper json = JsonMapper.builder().build();

	@BeforeAll
	static void processAndStart() throws Exception {
		FileSystemUtils.deleteRecursively(OUTPUT);
		Path sources = OUTPUT.resolve("sources");
		Path resources = OUTPUT.resolve("resources");
		Path classes = OUTPUT.resolve("classes");
		AbstractAotProcessor.Settings settings = AbstractAotProcessor.Settings.builder()
			.sourceOutput(sources)
			.resourceOutput(resources)
			.classOutput(classes)
			.groupId("io.github.natsspring")
			.artifactId("sample-billing-service")
			.build();
		// the profile is fixed at build time: "test" leaves out the development server
		new SpringApplicationAotProcessor(BillingApplication.class, settings,
				new String[] { "--spring.profiles.active=test" })
			.process();
		compile(sources, classes);
		String classpath = String.join(File.pathSeparator, classes.toAbsolutePath().toString(),
				resources.toAbsolutePath().toString(), System.getProperty("java.class.path"));
		application = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Dspring.aot.enabled=true", "-XX:TieredStopAtLevel=1", "-cp", classpath,
				BillingApplication.class.getName(), "--spring.profiles.active=test", "--server.port=0",
				"--server.address=127.0.0.1", "--nats.servers=" + server.url(),
				"--management.endpoints.web.exposure.include=nats,health")
			.redirectErrorStream(true)
			.start();
		Thread reader = new Thread(AotProcessedApplicationTests::readOutput, "aot-application-output");
		reader.setDaemon(true);
		reader.start();
		raw = Nats.connect(server.url());
	}

	@AfterAll
	static void stop() throws Exception {
		if (application != null) {
			application.destroy();
			if (!application.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
				application.destroyForcibly();
			}
		}
		if (raw != null) {
			raw.close();
		}
	}

	@Test
	void theProcessedApplicationRunsEveryKindOfListener() throws Exception {
		int port = awaitPort();
		assertThat(output).anySatisfy((line) -> assertThat(line).contains("Starting AOT-processed"));

		// a KV watcher and a KV view: the flag changes the next invoice's tax
		KeyValue flags = raw.keyValue("BILLING_FLAGS");
		flags.put("tax.rule", "reduced");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output).anySatisfy(
					(line) -> assertThat(line).contains("Feature flag tax.rule is now 'reduced'")));

		// a service endpoint: request, validation, JSON both ways
		String id = "inv-" + UUID.randomUUID().toString().substring(0, 8);
		Message reply = raw.request("billing.cmd.invoice.create", ("{\"invoiceId\":\"" + id
				+ "\",\"customerId\":\"acme\",\"lines\":[{\"description\":\"Item\",\"quantity\":1,\"unitPriceCents\":10000}]}")
			.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
		JsonNode invoice = json.readTree(reply.getData());
		assertThat(invoice.path("status").asString()).isEqualTo("OPEN");
		assertThat(invoice.path("taxRule").asString()).isEqualTo("REDUCED");
		Message invalid = raw.request("billing.cmd.invoice.create",
				"{\"invoiceId\":\"x\",\"customerId\":\"acme\",\"lines\":[]}".getBytes(StandardCharsets.UTF_8),
				Duration.ofSeconds(10));
		assertThat(invalid.getHeaders().getFirst("Nats-Service-Error-Code")).isEqualTo("400");

		// a JetStream listener: the projection writes the read model
		KeyValue views = raw.keyValue("INVOICE_VIEWS");
		await().atMost(Duration.ofSeconds(10)).until(() -> entry(views, id) != null);
		assertThat(new String(entry(views, id).getValue(), StandardCharsets.UTF_8)).contains("\"lastEventSequence\"");

		// a core subscription: the ticker saw the event
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(get(port, "/activity")).contains("billing.evt.invoice.created created:" + id));

		JsonNode nats = json.readTree(get(port, "/actuator/nats"));
		assertThat(nats.path("listeners")).extracting((listener) -> listener.path("kind").asString())
			.contains("subscription", "jetstream", "kv");
		assertThat(nats.path("services").get(0).path("name").asString()).isEqualTo("billing");
		assertThat(nats.path("topology").path("resources"))
			.allSatisfy((resource) -> assertThat(resource.path("state").asString()).isEqualTo("in-sync"));
		assertThat(json.readTree(get(port, "/actuator/health")).path("status").asString()).isEqualTo("UP");
	}

	@Test
	void theHintsCoverTheListenerMethodsAndTheirPayloads() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		ListenerMethodReflectiveProcessor processor = new ListenerMethodReflectiveProcessor();
		processor.registerReflectionHints(hints.reflection(),
				InvoiceProjection.class.getMethod("apply", InvoiceEvent.class,
						io.github.natsspring.jetstream.listener.JetStreamMetadata.class));
		processor.registerReflectionHints(hints.reflection(),
				RecentActivity.class.getMethod("onEvent", InvoiceEvent.class, String.class));
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(InvoiceProjection.class, "apply")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(InvoiceEvent.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(io.github.natsspring.sample.billing.invoice.Invoice.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(io.github.natsspring.jetstream.listener.JetStreamMetadata.class)).rejects(hints);
		// and the processed application wrote them out for native-image
		Path reflectConfig;
		try (Stream<Path> files = Files.walk(OUTPUT.resolve("resources"))) {
			reflectConfig = files.filter((file) -> file.getFileName().toString().equals("reachability-metadata.json")
					|| file.getFileName().toString().equals("reflect-config.json")).findFirst().orElseThrow();
		}
		String metadata = Files.readString(reflectConfig);
		assertThat(metadata).contains(InvoiceEvent.class.getName())
			.contains("io.github.natsspring.sample.billing.query.InvoiceView")
			.contains("io.github.natsspring.jetstream.reconcile.StreamDeclaration");
	}

	private static KeyValueEntry entry(KeyValue bucket, String key) {
		try {
			return bucket.get(key);
		}
		catch (Exception ex) {
			return null;
		}
	}

	private static void compile(Path sources, Path classes) throws IOException {
		List<String> files = new ArrayList<>();
		try (Stream<Path> paths = Files.walk(sources)) {
			paths.filter((path) -> path.toString().endsWith(".java")).forEach((path) -> files.add(path.toString()));
		}
		Files.createDirectories(classes);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		// the classes AOT generated (configuration class proxies) are referenced by the generated sources
		List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
				classes + File.pathSeparator + System.getProperty("java.class.path"), "--release", "17", "-parameters", "-nowarn", "-proc:none"));
		arguments.addAll(files);
		int result = compiler.run(null, null, null, arguments.toArray(String[]::new));
		assertThat(result).as("the generated sources compile").isZero();
	}

	private static void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(application.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				output.add(line);
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private static int awaitPort() {
		await().atMost(Duration.ofSeconds(40)).until(() -> !application.isAlive() || port() > 0);
		assertThat(application.isAlive()).as(() -> String.join("\n", output)).isTrue();
		return port();
	}

	private static int port() {
		for (String line : output) {
			Matcher matcher = PORT.matcher(line);
			if (matcher.find()) {
				return Integer.parseInt(matcher.group(1));
			}
		}
		return 0;
	}

	private static String get(int port, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

}
