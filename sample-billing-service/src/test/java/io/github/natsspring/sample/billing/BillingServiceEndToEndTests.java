package io.github.natsspring.sample.billing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.natsspring.core.NatsServiceErrorException;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.jetstream.listener.JetStreamMetadata;
import io.github.natsspring.sample.billing.client.BillingClient;
import io.github.natsspring.sample.billing.event.InvoiceEvent;
import io.github.natsspring.sample.billing.projection.InvoiceProjection;
import io.github.natsspring.jetstream.listener.DeadLetterHeaders;
import io.github.natsspring.sample.billing.command.CreateInvoice;
import io.github.natsspring.sample.billing.command.PayInvoice;
import io.github.natsspring.sample.billing.command.VoidInvoice;
import io.github.natsspring.sample.billing.invoice.Invoice;
import io.github.natsspring.sample.billing.invoice.InvoiceLine;
import io.github.natsspring.sample.billing.invoice.InvoiceStatus;
import io.github.natsspring.sample.billing.invoice.TaxRule;
import io.github.natsspring.sample.billing.query.InvoiceView;
import io.github.natsspring.sample.billing.query.ListInvoices;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The billing service end to end against a real nats-server: HTTP and NATS in, events through JetStream, the
 * projection, queries, dead letters, flags, health and metrics.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class BillingServiceEndToEndTests {

	@RegisterExtension
	static final NatsServerExtension server = NatsServerExtension.jetStream();

	private static Connection raw;

	@DynamicPropertySource
	static void natsProperties(DynamicPropertyRegistry registry) {
		registry.add("nats.servers", server::url);
	}

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(server.url());
	}

	@AfterAll
	static void disconnect() throws Exception {
		raw.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	NatsTemplate nats;

	@Autowired
	InvoiceProjection projection;

	@Autowired
	BillingClient billing;

	@Autowired
	JsonMapper jsonMapper;

	@Test
	void commandEventProjectionQueryOverHttp() throws Exception {
		String id = newId();
		HttpResponse<String> created = post("/invoices", """
				{"invoiceId":"%s","customerId":"acme","lines":[{"description":"Support","quantity":2,"unitPriceCents":5000}]}
				""".formatted(id));
		assertThat(created.statusCode()).isEqualTo(200);
		assertThat(created.body()).contains("\"status\":\"OPEN\"").contains("\"totalCents\":12000");
		await().untilAsserted(() -> assertThat(get("/invoices/" + id).body()).contains("\"status\":\"OPEN\""));
		assertThat(eventsFor("billing.evt.invoice.created", id)).isEqualTo(1);

		assertThat(post("/invoices/" + id + "/pay", "{\"amountCents\":12000}").statusCode()).isEqualTo(200);
		await().untilAsserted(() -> assertThat(get("/invoices/" + id).body()).contains("\"status\":\"PAID\""));
		assertThat(get("/invoices/" + id + "/document").body()).contains("\"total\" : \"120.00\"")
			.contains("\"status\" : \"PAID\"");
		await().untilAsserted(() -> assertThat(get("/invoices?customerId=acme").body()).contains(id));
		assertThat(post("/invoices/" + id + "/pay", "{\"amountCents\":1}").statusCode()).isEqualTo(200);
		assertThat(post("/invoices/" + id + "/void", "{\"reason\":\"oops\"}").statusCode()).isEqualTo(409);
		assertThat(get("/invoices/does-not-exist").statusCode()).isEqualTo(404);
		assertThat(post("/invoices", "{\"invoiceId\":\"x\",\"customerId\":\"acme\",\"lines\":[]}").statusCode())
			.isEqualTo(400);
	}

	@Test
	void theTypedClientCallsTheServiceAndGetsItsErrorsTyped() throws Exception {
		String id = newId();
		Invoice created = this.billing
			.create(new CreateInvoice(id, "umbrella", List.of(new InvoiceLine("Training", 2, 2500))));
		assertThat(created.status()).isEqualTo(InvoiceStatus.OPEN);
		assertThat(created.subtotalCents()).isEqualTo(5000);
		await().untilAsserted(() -> assertThat(this.billing.byId(id).get(5, TimeUnit.SECONDS).invoice())
			.isEqualTo(created));
		assertThat(this.billing.list(new ListInvoices("umbrella", InvoiceStatus.OPEN)))
			.extracting((view) -> view.invoice().id())
			.containsExactly(id);
		// the HTTP front door answers with what the client got
		assertThat(get("/invoices/" + id).body()).contains("\"id\":\"" + id + "\"");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.billing.byId("does-not-exist").get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(NatsServiceErrorException.class, (ex) -> {
				assertThat(ex.getCode()).isEqualTo(404);
				assertThat(ex.getSubject()).isEqualTo("billing.qry.invoice.by_id");
			});
		assertThatExceptionOfType(NatsServiceErrorException.class)
			.isThrownBy(() -> this.billing.create(new CreateInvoice(newId(), "umbrella", List.of())))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(400));
		assertThatExceptionOfType(NatsServiceErrorException.class)
			.isThrownBy(() -> this.billing.voidInvoice(new VoidInvoice("does-not-exist", "typo")))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(404));
	}

	@Test
	void theSameCommandTwiceChangesNothing() throws Exception {
		String id = newId();
		CreateInvoice create = new CreateInvoice(id, "globex", List.of(new InvoiceLine("Licence", 1, 9900)));
		Invoice first = this.nats.request("billing.cmd.invoice.create", create, Invoice.class);
		Invoice second = this.nats.request("billing.cmd.invoice.create", create, Invoice.class);
		assertThat(second).isEqualTo(first);
		this.nats.request("billing.cmd.invoice.pay", new PayInvoice(id, first.totalCents()), Invoice.class);
		this.nats.request("billing.cmd.invoice.pay", new PayInvoice(id, first.totalCents()), Invoice.class);
		assertThat(eventsFor("billing.evt.invoice.created", id)).isEqualTo(1);
		assertThat(eventsFor("billing.evt.invoice.paid", id)).isEqualTo(1);
		await().untilAsserted(() -> assertThat(view(id).invoice().status()).isEqualTo(InvoiceStatus.PAID));
		// the same id with other content is a conflict, not a silent overwrite
		assertThatExceptionOfType(NatsServiceErrorException.class)
			.isThrownBy(() -> this.nats.request("billing.cmd.invoice.create",
					new CreateInvoice(id, "globex", List.of(new InvoiceLine("Other", 1, 1))), Invoice.class))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(409));
	}

	@Test
	void theSameEventDeliveredTwiceChangesNothing() throws Exception {
		String id = newId();
		this.nats.request("billing.cmd.invoice.create",
				new CreateInvoice(id, "initech", List.of(new InvoiceLine("Audit", 3, 1000))), Invoice.class);
		await().untilAsserted(() -> assertThat(view(id)).isNotNull());
		KeyValueEntry before = raw.keyValue("INVOICE_VIEWS").get(id);
		InvoiceView view = view(id);
		// a redelivery (after a crash between handling and ack) brings the very same message: same stream sequence
		MessageInfo stored = raw.jetStreamManagement().getMessage("BILLING_EVENTS", view.lastEventSequence());
		InvoiceEvent event = this.jsonMapper.readValue(stored.getData(), InvoiceEvent.class);
		this.projection.apply(event, new JetStreamMetadata("BILLING_EVENTS", "invoice-projection", stored.getSubject(),
				stored.getSeq(), 99, 2, 0, stored.getTime().toInstant()));
		KeyValueEntry after = raw.keyValue("INVOICE_VIEWS").get(id);
		assertThat(after.getRevision()).as("the view was not written again").isEqualTo(before.getRevision());
	}

	@Test
	void aPaymentRetriedAfterTheEventsBehindItLeavesTheViewPaid() throws Exception {
		// events carry the whole invoice: applying "created" late (after a retry) must not undo "paid"
		String id = newId();
		Invoice created = this.nats.request("billing.cmd.invoice.create",
				new CreateInvoice(id, "hooli", List.of(new InvoiceLine("Seat", 1, 100))), Invoice.class);
		this.nats.request("billing.cmd.invoice.pay", new PayInvoice(id, created.totalCents()), Invoice.class);
		await().untilAsserted(() -> assertThat(view(id).invoice().status()).isEqualTo(InvoiceStatus.PAID));
		long paidSequence = view(id).lastEventSequence();
		MessageInfo createdEvent = raw.jetStreamManagement()
			.getMessage("BILLING_EVENTS", paidSequence - 1);
		this.projection.apply(this.jsonMapper.readValue(createdEvent.getData(), InvoiceEvent.class),
				new JetStreamMetadata("BILLING_EVENTS", "invoice-projection", createdEvent.getSubject(),
						createdEvent.getSeq(), 99, 2, 0, createdEvent.getTime().toInstant()));
		assertThat(view(id).invoice().status()).isEqualTo(InvoiceStatus.PAID);
	}

	@Test
	void aPoisonEventLandsInTheDeadLetterStreamAndOthersKeepFlowing() throws Exception {
		String unknown = newId();
		// well-formed JSON, but the invoice snapshot is missing: nothing to apply, and retrying cannot change that
		raw.jetStream().publish("billing.evt.invoice.paid", ("{\"eventId\":\"paid:" + unknown
				+ "\",\"type\":\"PAID\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
		raw.jetStream().publish("billing.evt.invoice.created", "{not json".getBytes(StandardCharsets.UTF_8));
		String good = newId();
		this.nats.request("billing.cmd.invoice.create",
				new CreateInvoice(good, "acme", List.of(new InvoiceLine("Fine", 1, 100))), Invoice.class);
		await().untilAsserted(() -> assertThat(view(good)).isNotNull());
		JetStreamManagement jsm = raw.jetStreamManagement();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deadLetters(jsm))
			.anySatisfy((message) -> {
				assertThat(new String(message.getData(), StandardCharsets.UTF_8)).contains(unknown);
				assertThat(message.getSubject()).isEqualTo("dlq.BILLING_EVENTS.invoice-projection");
				assertThat(message.getHeaders().getFirst(DeadLetterHeaders.EXCEPTION)).contains("MethodArgumentNotValidException");
				assertThat(message.getHeaders().getFirst(DeadLetterHeaders.DELIVERY_COUNT)).isEqualTo("1");
			})
			.anySatisfy((message) -> assertThat(new String(message.getData(), StandardCharsets.UTF_8))
				.isEqualTo("{not json")));
		// the poison events are settled: nothing left for the projection
		await().untilAsserted(() -> assertThat(jsm.getConsumerInfo("BILLING_EVENTS", "invoice-projection").getNumPending())
			.isZero());
	}

	@Test
	void aFlagChangeTakesEffectWithoutARestart() throws Exception {
		assertThat(put("/flags/tax-rule/reduced").statusCode()).isEqualTo(200);
		await().untilAsserted(() -> assertThat(get("/flags").body()).contains("\"taxRuleInForce\":\"REDUCED\""));
		Invoice reduced = this.nats.request("billing.cmd.invoice.create",
				new CreateInvoice(newId(), "acme", List.of(new InvoiceLine("Item", 1, 10000))), Invoice.class);
		assertThat(reduced.taxRule()).isEqualTo(TaxRule.REDUCED);
		assertThat(reduced.taxCents()).isEqualTo(500);
		put("/flags/tax-rule/standard");
		await().untilAsserted(() -> assertThat(this.nats
			.request("billing.cmd.invoice.create",
					new CreateInvoice(newId(), "acme", List.of(new InvoiceLine("Item", 1, 10000))), Invoice.class)
			.taxCents()).isEqualTo(2000));
	}

	@Test
	void healthAndPrometheusOverHttp() throws Exception {
		String id = newId();
		this.nats.request("billing.cmd.invoice.create",
				new CreateInvoice(id, "acme", List.of(new InvoiceLine("Item", 1, 100))), Invoice.class);
		await().untilAsserted(() -> assertThat(view(id)).isNotNull());
		this.nats.request("billing.qry.invoice.list", null, String.class);
		JsonNode health = this.jsonMapper.readTree(get("/actuator/health").body());
		assertThat(health.path("status").asString()).isEqualTo("UP");
		JsonNode nats = health.path("components").path("nats");
		assertThat(nats.path("status").asString()).isEqualTo("UP");
		assertThat(nats.path("components").path("connection").path("status").asString()).isEqualTo("UP");
		assertThat(nats.path("components").path("listeners").path("components").path("invoiceProjection.apply")
			.path("details").path("consumer").asString()).isEqualTo("invoice-projection");
		assertThat(nats.path("components").path("services").path("components").path("billing").path("status")
			.asString()).isEqualTo("UP");
		assertThat(nats.path("components").path("jetstream").path("status").asString()).isEqualTo("UP");
		JsonNode actuator = this.jsonMapper.readTree(get("/actuator/nats").body());
		JsonNode billing = actuator.path("services").get(0);
		assertThat(billing.path("name").asString()).isEqualTo("billing");
		assertThat(billing.path("running").asBoolean()).isTrue();
		assertThat(billing.path("endpoints")).anySatisfy((endpoint) -> {
			assertThat(endpoint.path("subject").asString()).isEqualTo("billing.qry.invoice.list");
			assertThat(endpoint.path("requests").asLong()).isPositive();
		});
		assertThat(actuator.path("topology").path("resources")).isNotEmpty()
			.allSatisfy((resource) -> assertThat(resource.path("state").asString()).isEqualTo("in-sync"));
		String metrics = get("/actuator/prometheus").body();
		assertThat(metrics).contains("nats_client_connected 1.0")
			.contains("nats_service_requests_seconds_count{endpoint=\"list\",service=\"billing\"}")
			.contains("nats_listener_seconds_count{kind=\"jetstream\",listener=\"invoiceProjection.apply\",outcome=\"acked\"}")
			.contains("nats_listener_pending{consumer=\"invoice-projection\"");
	}

	@Test
	void theDashboardAndTheAlertsQueryOnlyMetricsTheServiceExports() throws Exception {
		String id = newId();
		this.nats.request("billing.cmd.invoice.create",
				new CreateInvoice(id, "acme", List.of(new InvoiceLine("Item", 1, 100))), Invoice.class);
		assertThatExceptionOfType(NatsServiceErrorException.class).isThrownBy(() -> this.nats
			.request("billing.cmd.invoice.create", new CreateInvoice("x", "acme", List.of()), Invoice.class));
		await().untilAsserted(() -> assertThat(view(id)).isNotNull());
		Path monitoring = Path.of(System.getProperty("project.root"), "docs", "monitoring");
		Set<String> queried = new TreeSet<>();
		JsonNode dashboard = this.jsonMapper.readTree(Files.readString(monitoring.resolve("nats-dashboard.json")));
		dashboard.findValues("expr").forEach((expr) -> queried.addAll(metricNames(expr.asString())));
		dashboard.path("templating").path("list")
			.forEach((variable) -> queried.addAll(metricNames(variable.path("definition").asString())));
		Map<String, List<Map<String, List<Map<String, Object>>>>> alerts = new Yaml()
			.load(Files.readString(monitoring.resolve("nats-alerts.yml")));
		alerts.get("groups")
			.forEach((group) -> group.get("rules")
				.forEach((rule) -> queried.addAll(metricNames(String.valueOf(rule.get("expr"))))));
		assertThat(queried).contains("nats_client_connected", "nats_client_reconnects_total",
				"nats_listener_seconds_count", "nats_listener_pending", "nats_service_errors_total");
		String metrics = get("/actuator/prometheus").body();
		Set<String> exported = new TreeSet<>();
		metrics.lines()
			.filter((line) -> !line.startsWith("#"))
			.forEach((line) -> exported.add(line.split("[{ ]", 2)[0]));
		assertThat(exported).containsAll(queried);
	}

	private static Set<String> metricNames(String query) {
		Set<String> names = new TreeSet<>();
		Matcher matcher = Pattern.compile("\\bnats_[a-z_]+").matcher(query);
		while (matcher.find()) {
			names.add(matcher.group());
		}
		return names;
	}

	private InvoiceView view(String id) {
		try {
			return this.nats.request("billing.qry.invoice.by_id", id, InvoiceView.class);
		}
		catch (NatsServiceErrorException ex) {
			return null;
		}
	}

	private static List<MessageInfo> deadLetters(JetStreamManagement jsm) throws Exception {
		StreamInfo dlq = jsm.getStreamInfo("DLQ");
		List<MessageInfo> messages = new java.util.ArrayList<>();
		for (long sequence = dlq.getStreamState().getFirstSequence(); sequence <= dlq.getStreamState()
			.getLastSequence() && dlq.getStreamState().getMsgCount() > 0; sequence++) {
			messages.add(jsm.getMessage("DLQ", sequence));
		}
		return messages;
	}

	private static long eventsFor(String subject, String invoiceId) throws Exception {
		StreamInfo info = raw.jetStreamManagement()
			.getStreamInfo("BILLING_EVENTS", StreamInfoOptions.filterSubjects(subject));
		long count = 0;
		for (long sequence = info.getStreamState().getFirstSequence(); sequence <= info.getStreamState()
			.getLastSequence(); sequence++) {
			try {
				MessageInfo message = raw.jetStreamManagement().getMessage("BILLING_EVENTS", sequence);
				if (message.getSubject().equals(subject)
						&& new String(message.getData(), StandardCharsets.UTF_8).contains("\"id\":\"" + invoiceId + "\"")) {
					count++;
				}
			}
			catch (io.nats.client.JetStreamApiException ex) {
				// deleted
			}
		}
		return count;
	}

	private static String newId() {
		return "inv-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	private HttpResponse<String> put(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.noBody()));
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
