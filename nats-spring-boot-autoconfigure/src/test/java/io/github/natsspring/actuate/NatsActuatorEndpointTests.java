package io.github.natsspring.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.kv.watch.KvHeaders;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/nats} over HTTP against a real server with authentication: the connection, every kind of
 * listener with the server's view of its consumer, the topology in sync, drift made behind the application's back
 * showing at the next read, one resource in full, a reconciliation on request, and no secret anywhere.
 */
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=nats", "nats.username=app",
				"nats.password=" + NatsActuatorEndpointTests.PASSWORD, "nats.actuator.cache-time-to-live=1s",
				"nats.actuator.reconcile-enabled=true",
				"nats.jetstream.streams[ORDERS].subjects=orders.>", "nats.jetstream.streams[ORDERS].storage=memory",
				"nats.jetstream.streams[ORDERS].max-age=1h", "nats.jetstream.streams[ORDERS].description=orders",
				"nats.jetstream.streams[ORDERS].consumers[worker].ack-wait=20s",
				"nats.jetstream.streams[ORDERS].consumers[worker].max-deliver=3",
				"nats.jetstream.key-value[SETTINGS].history=3", "nats.jetstream.key-value[SETTINGS].storage=memory",
				"nats.jetstream.object-store[FILES].storage=memory" })
class NatsActuatorEndpointTests {

	static final String PASSWORD = "Top-Secret-Password-1";

	private static final String URL_SECRET = "Url-Secret-2";

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withConfig((server) -> server.jetStream(true)
		.config("authorization { user: app, password: \"" + PASSWORD + "\" }"));

	private static Connection raw;

	private static final JsonMapper json = JsonMapper.builder().build();

	@DynamicPropertySource
	static void natsProperties(DynamicPropertyRegistry registry) {
		registry.add("nats.servers", () -> nats.url() + ",nats://ops:" + URL_SECRET + "@127.0.0.1:1");
	}

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(Options.builder().server(nats.url()).userInfo("app", PASSWORD).build());
	}

	@AfterAll
	static void close() throws Exception {
		raw.close();
	}

	@LocalServerPort
	int port;

	@Test
	@Order(1)
	void showsTheConnectionEveryListenerAndTheTopologyInSync() throws Exception {
		raw.jetStream().publish("orders.created", "o-1".getBytes());
		raw.publish("audit.login", "alice".getBytes());
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(listener(get("/actuator/nats"), "orders").path("acked").asLong())
				.isEqualTo(1));
		String body = get("/actuator/nats").body();
		JsonNode nats = json.readTree(body);
		JsonNode connection = nats.path("connection");
		assertThat(connection.path("state").asString()).isEqualTo("CONNECTED");
		assertThat(connection.path("serverName").asString()).isEqualTo(NatsActuatorEndpointTests.nats.server().name());
		assertThat(connection.path("version").asString())
			.isEqualTo(NatsActuatorEndpointTests.nats.server().version());
		assertThat(connection.path("serverId").asString()).isNotEmpty();
		assertThat(connection.path("rtt").asString()).endsWith("ms");
		assertThat(connection.path("inMessages").asLong()).isPositive();
		assertThat(connection.path("servers").get(1).asString()).isEqualTo("nats://******@127.0.0.1:1");

		assertThat(listener(nats, "audit").path("kind").asString()).isEqualTo("subscription");
		assertThat(listener(nats, "audit").path("subject").asString()).isEqualTo("audit.>");
		await().untilAsserted(() -> assertThat(listener(get("/actuator/nats"), "audit").path("handled").asLong())
			.isEqualTo(1));
		JsonNode orders = listener(nats, "orders");
		assertThat(orders.path("kind").asString()).isEqualTo("jetstream");
		assertThat(orders.path("stream").asString()).isEqualTo("ORDERS");
		assertThat(orders.path("consumer").asString()).isEqualTo("worker");
		assertThat(orders.path("handled").asLong()).isEqualTo(1);
		assertThat(orders.path("failed").asLong()).isZero();
		JsonNode server = orders.path("server");
		assertThat(server.path("numPending").asLong()).isZero();
		assertThat(server.path("numAckPending").asLong()).isZero();
		assertThat(server.has("numRedelivered")).isTrue();
		assertThat(server.has("numWaiting")).isTrue();
		assertThat(server.path("deliveredStreamSequence").asLong()).isEqualTo(1);
		assertThat(listener(nats, "settings").path("kind").asString()).isEqualTo("kv");
		assertThat(listener(nats, "settings").path("bucket").asString()).isEqualTo("SETTINGS");

		JsonNode topology = nats.path("topology");
		assertThat(topology.path("mode").asString()).isEqualTo("update");
		// the dead-letter stream the JetStream listener declared in code is part of the topology too
		assertThat(topology.path("states").path("in-sync").asInt()).isEqualTo(topology.path("resources").size());
		assertThat(topology.path("resources")).extracting((resource) -> resource.path("kind").asString() + " "
				+ resource.path("name").asString() + " " + resource.path("state").asString())
			.containsSubsequence("stream ORDERS in-sync", "consumer worker in-sync", "stream DLQ in-sync",
					"key-value bucket SETTINGS in-sync", "object store bucket FILES in-sync");
		assertThat(body).doesNotContain(PASSWORD).doesNotContain(URL_SECRET);
	}

	@Test
	@Order(2)
	void driftMadeOnTheServerShowsAtTheNextReadAfterTheCacheTime() throws Exception {
		JsonNode first = json.readTree(get("/actuator/nats").body());
		long read = System.nanoTime();
		JsonNode again = json.readTree(get("/actuator/nats").body());
		if (System.nanoTime() - read < Duration.ofMillis(500).toNanos()) {
			assertThat(again.path("topology").path("readAt").asString())
				.as("read from the server at most once a second")
				.isEqualTo(first.path("topology").path("readAt").asString());
		}
		// someone edits the stream with the nats CLI (here: the same API call)
		JetStreamManagement jsm = raw.jetStreamManagement();
		StreamConfiguration actual = jsm.getStreamInfo("ORDERS").getConfiguration();
		jsm.updateStream(StreamConfiguration.builder(actual).maxAge(Duration.ofMinutes(5)).description("edited")
			.build());
		Instant edited = Instant.now();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			JsonNode stream = resource(json.readTree(get("/actuator/nats").body()), "ORDERS");
			assertThat(stream.path("state").asString()).isEqualTo("drifted");
			assertThat(stream.path("differences")).extracting((d) -> d.path("property").asString() + ": "
					+ d.path("declared").asString() + " / " + d.path("actual").asString() + " ("
					+ d.path("type").asString() + ")")
				.containsExactlyInAnyOrder("max-age: 1h / 5m (editable)", "description: orders / edited (editable)");
		});
		assertThat(Duration.between(edited, Instant.now())).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	@Order(3)
	void oneResourceInFullWithThePlanTheReconcilerWouldRun() throws Exception {
		HttpResponse<String> response = get("/actuator/nats/topology/ORDERS");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode stream = json.readTree(response.body());
		assertThat(stream.path("kind").asString()).isEqualTo("stream");
		assertThat(stream.path("origin").asString()).isEqualTo("nats.jetstream.streams[ORDERS]");
		assertThat(stream.path("declared").path("max-age").asString()).isEqualTo("1h");
		assertThat(stream.path("actual").path("max-age").asString()).isEqualTo("5m");
		assertThat(stream.path("actual").path("subjects").asString()).isEqualTo("[orders.>]");
		assertThat(stream.path("plan").path("action").asString()).isEqualTo("update");
		assertThat(stream.path("plan").path("properties")).extracting(JsonNode::asString)
			.containsExactlyInAnyOrder("max-age", "description");
		assertThat(stream.path("serverConfiguration").path("description").asString()).isEqualTo("edited");
		assertThat(stream.path("serverConfiguration").path("max_age").asLong())
			.isEqualTo(Duration.ofMinutes(5).toNanos());

		JsonNode consumer = json.readTree(get("/actuator/nats/topology/ORDERS/worker").body());
		assertThat(consumer.path("kind").asString()).isEqualTo("consumer");
		assertThat(consumer.path("state").asString()).isEqualTo("in-sync");
		assertThat(consumer.path("declared").path("max-deliver").asString()).isEqualTo("3");
		assertThat(consumer.path("plan").path("action").asString()).isEqualTo("none");
		assertThat(get("/actuator/nats/topology/NOPE").statusCode()).isEqualTo(404);
	}

	@Test
	@Order(4)
	void aReconciliationOnRequestRepairsTheDriftAndReports() throws Exception {
		HttpResponse<String> response = post("/actuator/nats/topology");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode report = json.readTree(response.body());
		assertThat(report.path("mode").asString()).isEqualTo("update");
		assertThat(report.path("resources").get(0).path("status").asString()).isEqualTo("updated");
		assertThat(raw.jetStreamManagement().getStreamInfo("ORDERS").getConfiguration().getMaxAge())
			.isEqualTo(Duration.ofHours(1));
		JsonNode stream = resource(json.readTree(get("/actuator/nats").body()), "ORDERS");
		assertThat(stream.path("state").asString()).isEqualTo("in-sync");
	}

	private static JsonNode listener(HttpResponse<String> response, String id) {
		return listener(json.readTree(response.body()), id);
	}

	private static JsonNode listener(JsonNode nats, String id) {
		for (JsonNode listener : nats.path("listeners")) {
			if (listener.path("id").asString().equals(id)) {
				return listener;
			}
		}
		throw new AssertionError("no listener " + id + " in " + nats.path("listeners"));
	}

	private static JsonNode resource(JsonNode nats, String name) {
		for (JsonNode resource : nats.path("topology").path("resources")) {
			if (resource.path("name").asString().equals(name)) {
				return resource;
			}
		}
		throw new AssertionError("no resource " + name + " in " + nats.path("topology"));
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	private HttpResponse<String> post(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.body()).doesNotContain(PASSWORD).doesNotContain(URL_SECRET);
		return response;
	}

	@SpringBootApplication
	static class Application {

		@NatsListener(subject = "audit.>", id = "audit")
		void audit(String event) {
		}

		@JetStreamListener(stream = "ORDERS", consumer = "worker", id = "orders")
		void order(String order) {
		}

		@KvWatch(bucket = "SETTINGS", id = "settings")
		void setting(@Header(KvHeaders.KEY) String key, String value) {
		}

	}

}
