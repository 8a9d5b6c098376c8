package io.github.natsspring.micro;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.micro.TestServices.BillingService;
import io.github.natsspring.micro.TestServices.Invoice;
import io.github.natsspring.micro.TestServices.InvoiceRequest;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.micro.MicroTestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests in, replies out: parameter conversion, return values, asynchronous handlers, queue groups across
 * instances, placeholders.
 */
class NatsServiceRequestTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private final ApplicationContextRunner runner = MicroTestSupport.runner(nats);

	@Test
	void requestsAndRepliesAreConvertedByParameterAndReturnType() {
		this.runner.withUserConfiguration(BillingService.class).run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			assertThat(template.request("billing.invoice.get", new InvoiceRequest("i-1", 12), Invoice.class))
				.isEqualTo(new Invoice("i-1", 12, "open"));
			assertThat(template.request("billing.invoice.create", new InvoiceRequest("i-2", 5),
					Map.of("Tenant", "acme"), Invoice.class, Duration.ofSeconds(2)))
				.isEqualTo(new Invoice("i-2", 5, "created for acme"));
			assertThat(template.request("billing.echo", "hi", String.class)).isEqualTo("solo:hi@billing.echo");
			assertThat(template.request("billing.raw", "bytes".getBytes(StandardCharsets.UTF_8), byte[].class))
				.asString(StandardCharsets.UTF_8)
				.isEqualTo("bytes|billing.raw");
			try (Connection raw = Nats.connect(nats.url())) {
				Message empty = raw.request("billing.void", "x".getBytes(StandardCharsets.UTF_8),
						Duration.ofSeconds(2));
				assertThat(empty.getData()).isEmpty();
				assertThat(empty.getHeaders().getFirst(NatsHeaders.SERVICE_ERROR_CODE)).isNull();
			}
		});
	}

	@Test
	void asynchronousHandlersReplyOnCompletionAndAreTimedToIt() {
		this.runner.withUserConfiguration(BillingService.class).run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			assertThat(template.request("billing.async", new InvoiceRequest("i-3", 7), Invoice.class))
				.isEqualTo(new Invoice("i-3", 7, "later"));
			EndpointStats stats = stats(service(context, "billing"), "async");
			assertThat(stats.numRequests()).isEqualTo(1);
			assertThat(stats.numErrors()).isZero();
			assertThat(stats.processingTime()).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
			assertThat(stats.averageProcessingTime()).isEqualTo(stats.processingTime());
		});
	}

	@Test
	void statsCountRequestsAndStayValid() {
		this.runner.withUserConfiguration(BillingService.class).run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			for (int i = 0; i < 5; i++) {
				template.request("billing.echo", "n" + i, String.class);
			}
			String id = service(context, "billing").getId();
			try (Connection raw = Nats.connect(nats.url())) {
				Message reply = raw.request("$SRV.STATS.billing." + id, new byte[0], Duration.ofSeconds(2));
				MicroSchemas.assertValid("stats", reply.getData());
				JsonNode echo = null;
				for (JsonNode endpoint : Discovery.read(reply).get("endpoints")) {
					if (endpoint.get("name").asString().equals("echo")) {
						echo = endpoint;
					}
				}
				assertThat(echo).isNotNull();
				assertThat(echo.get("num_requests").asLong()).isEqualTo(5);
				assertThat(echo.get("num_errors").asLong()).isZero();
				assertThat(echo.get("processing_time").asLong()).isPositive();
				assertThat(echo.get("average_processing_time").asLong())
					.isEqualTo(echo.get("processing_time").asLong() / 5);
			}
		});
	}

	@Test
	void queueGroupsSplitRequestsAcrossInstancesAndNoQueueGroupReachesEveryInstance() {
		this.runner.withUserConfiguration(BillingService.class).withPropertyValues("instance=a").run((a) -> {
			this.runner.withUserConfiguration(BillingService.class).withPropertyValues("instance=b").run((b) -> {
				NatsTemplate template = a.getBean(NatsTemplate.class);
				List<String> answers = new ArrayList<>();
				for (int i = 0; i < 60; i++) {
					answers.add(template.request("billing.echo", "r" + i, String.class));
				}
				long byA = answers.stream().filter((answer) -> answer.startsWith("a:")).count();
				long byB = answers.stream().filter((answer) -> answer.startsWith("b:")).count();
				assertThat(byA + byB).isEqualTo(60);
				assertThat(byA).isPositive();
				assertThat(byB).isPositive();
				// each request was handled once, by one instance
				assertThat(stats(service(a, "billing"), "echo").numRequests()
						+ stats(service(b, "billing"), "echo").numRequests()).isEqualTo(60);

				try (Connection raw = Nats.connect(nats.url())) {
					List<Message> replies = Discovery.collect(raw, "billing.admin.whoami", new byte[0], 2,
							Duration.ofSeconds(3));
					assertThat(replies).extracting((reply) -> new String(reply.getData(), StandardCharsets.UTF_8))
						.containsExactlyInAnyOrder("a", "b");
				}
			});
		});
	}

	@Test
	void attributesResolvePlaceholders() {
		this.runner.withUserConfiguration(BillingService.class)
			.withPropertyValues("billing.version=2.0.0-rc.1", "billing.region=us", "billing.admin-subject=ops.billing",
					"raw.queue=bulk")
			.run((context) -> {
				ServiceDefinition definition = service(context, "billing").getDefinition();
				assertThat(definition.version()).isEqualTo("2.0.0-rc.1");
				assertThat(definition.metadata()).containsEntry("region", "us");
				assertThat(definition.endpoint("whoami").subject()).isEqualTo("ops.billing.whoami");
				assertThat(definition.endpoint("raw").queueGroup()).isEqualTo("bulk");
				NatsTemplate template = context.getBean(NatsTemplate.class);
				assertThat(template.request("ops.billing.whoami", "", String.class)).isEqualTo("solo");
			});
	}

	static EndpointStats stats(NatsServiceContainer service, String endpoint) {
		return service.getStats().stream().filter((stats) -> stats.name().equals(endpoint)).findFirst().orElseThrow();
	}

}
