package io.github.natsspring.micro;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.natsspring.micro.TestServices.BillingService;
import io.github.natsspring.micro.TestServices.InventoryService;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.micro.MicroTestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PING, INFO and STATS at all three subject levels, with two instances of one service and a second service
 * running, every reply checked against the official schemas.
 */
@Tag("compat")
class NatsServiceDiscoveryTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private final ApplicationContextRunner runner = MicroTestSupport.runner(nats);

	@Test
	void everyVerbAtEveryLevelIsAnsweredWithSchemaValidReplies() {
		this.runner.withUserConfiguration(BillingService.class).withPropertyValues("instance=a").run((a) -> {
			this.runner.withUserConfiguration(BillingService.class).withPropertyValues("instance=b").run((b) -> {
				this.runner.withUserConfiguration(InventoryService.class).run((c) -> {
					String idA = service(a, "billing").getId();
					String idB = service(b, "billing").getId();
					String idC = service(c, "inventory").getId();
					assertThat(Set.of(idA, idB, idC)).hasSize(3);
					try (Connection raw = Nats.connect(nats.url())) {
						for (String verb : List.of("PING", "INFO", "STATS")) {
							String kind = verb.toLowerCase();
							assertThat(ids(replies(raw, "$SRV." + verb, 3, kind))).as(verb)
								.containsExactlyInAnyOrder(idA, idB, idC);
							assertThat(ids(replies(raw, "$SRV." + verb + ".billing", 2, kind))).as(verb)
								.containsExactlyInAnyOrder(idA, idB);
							assertThat(ids(replies(raw, "$SRV." + verb + ".inventory", 1, kind))).as(verb)
								.containsExactly(idC);
							for (String id : List.of(idA, idB)) {
								assertThat(ids(replies(raw, "$SRV." + verb + ".billing." + id, 1, kind))).as(verb)
									.containsExactly(id);
							}
							assertThat(replies(raw, "$SRV." + verb + ".billing." + idC, 0, kind)).isEmpty();
							assertThat(replies(raw, "$SRV." + verb + ".nobody", 0, kind)).isEmpty();
						}
					}
				});
			});
		});
	}

	@Test
	void pingAndInfoDescribeTheServiceAndItsEndpoints() {
		this.runner.withUserConfiguration(BillingService.class, InventoryService.class).run((context) -> {
			String id = service(context, "billing").getId();
			try (Connection raw = Nats.connect(nats.url())) {
				JsonNode ping = replies(raw, "$SRV.PING.billing." + id, 1, "ping").get(0);
				assertThat(ping.get("type").asString()).isEqualTo("io.nats.micro.v1.ping_response");
				assertThat(ping.get("name").asString()).isEqualTo("billing");
				assertThat(ping.get("version").asString()).isEqualTo("1.2.3");
				assertThat(metadata(ping.get("metadata"))).containsExactly(Map.entry("team", "payments"),
						Map.entry("region", "eu"));

				JsonNode info = replies(raw, "$SRV.INFO.billing", 1, "info").get(0);
				assertThat(info.get("description").asString()).isEqualTo("Invoices and payments");
				Map<String, JsonNode> endpoints = byName(info.get("endpoints"));
				assertThat(endpoints).containsOnlyKeys("get", "create", "echo", "whoami", "raw", "fireAndForget",
						"async");
				assertEndpoint(endpoints.get("get"), "billing.invoice.get", "invoicing");
				assertEndpoint(endpoints.get("create"), "billing.invoice.create", "creators");
				assertEndpoint(endpoints.get("echo"), "billing.echo", "billing-q");
				assertEndpoint(endpoints.get("whoami"), "billing.admin.whoami", null);
				assertEndpoint(endpoints.get("raw"), "billing.raw", "raw-q");
				assertEndpoint(endpoints.get("fireAndForget"), "billing.void", "billing-q");
				assertThat(metadata(endpoints.get("get").get("metadata")))
					.containsExactly(Map.entry("schema", "InvoiceRequest"));

				JsonNode inventory = replies(raw, "$SRV.INFO.inventory", 1, "info").get(0);
				assertThat(inventory.get("version").asString()).isEqualTo("0.0.0");
				assertThat(inventory.get("description").asString()).isEmpty();
				assertEndpoint(byName(inventory.get("endpoints")).get("count"), "inventory.count", "q");
			}
		});
	}

	@Test
	void statsReportEveryCounterFromZero() {
		this.runner.withUserConfiguration(InventoryService.class).run((context) -> {
			Instant before = Instant.now();
			try (Connection raw = Nats.connect(nats.url())) {
				JsonNode stats = replies(raw, "$SRV.STATS.inventory", 1, "stats").get(0);
				assertThat(Instant.parse(stats.get("started").asString())).isBetween(before.minusSeconds(60),
						Instant.now());
				JsonNode endpoint = stats.get("endpoints").get(0);
				assertThat(endpoint.get("name").asString()).isEqualTo("count");
				assertThat(endpoint.get("subject").asString()).isEqualTo("inventory.count");
				assertThat(endpoint.get("queue_group").asString()).isEqualTo("q");
				assertThat(endpoint.get("num_requests").asLong()).isZero();
				assertThat(endpoint.get("num_errors").asLong()).isZero();
				assertThat(endpoint.get("last_error").asString()).isEmpty();
				assertThat(endpoint.get("processing_time").asLong()).isZero();
				assertThat(endpoint.get("average_processing_time").asLong()).isZero();
			}
		});
	}

	@Test
	void theSchemasRejectWhatJnatsServiceSends() {
		// jnats io.nats.service omits zero counters and last_error: the validator must notice
		String jnatsStyle = "{\"type\":\"io.nats.micro.v1.stats_response\",\"name\":\"s\",\"id\":\"x\","
				+ "\"version\":\"1.0.0\",\"started\":\"2024-01-01T00:00:00Z\",\"endpoints\":[{\"name\":\"e\","
				+ "\"subject\":\"e\",\"num_requests\":1,\"processing_time\":5,\"average_processing_time\":5}]}";
		assertThat(MicroSchemas.errors("stats", jnatsStyle)).isNotEmpty();
	}

	private static List<JsonNode> replies(Connection raw, String subject, int expected, String kind) throws Exception {
		List<JsonNode> nodes = new ArrayList<>();
		for (Message reply : Discovery.collect(raw, subject, new byte[0], expected,
				Duration.ofSeconds((expected > 0) ? 3 : 0))) {
			assertThat(reply.hasHeaders()).isFalse();
			MicroSchemas.assertValid(kind, reply.getData());
			JsonNode node = Discovery.read(reply);
			assertThat(node.get("type").asString()).isEqualTo("io.nats.micro.v1." + kind + "_response");
			nodes.add(node);
		}
		assertThat(nodes).as("replies on %s", subject).hasSize(expected);
		return nodes;
	}

	private static List<String> ids(List<JsonNode> nodes) {
		return nodes.stream().map((node) -> node.get("id").asString()).toList();
	}

	private static Map<String, JsonNode> byName(JsonNode array) {
		Map<String, JsonNode> byName = new java.util.LinkedHashMap<>();
		array.forEach((node) -> byName.put(node.get("name").asString(), node));
		return byName;
	}

	private static Map<String, String> metadata(JsonNode node) {
		return node.properties()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().asString(), (x, y) -> x,
					java.util.LinkedHashMap::new));
	}

	private static void assertEndpoint(JsonNode endpoint, String subject, String queueGroup) {
		assertThat(endpoint.get("subject").asString()).isEqualTo(subject);
		if (queueGroup == null) {
			assertThat(endpoint.has("queue_group")).as("queue_group of %s", subject).isFalse();
		}
		else {
			assertThat(endpoint.get("queue_group").asString()).isEqualTo(queueGroup);
		}
	}

}
