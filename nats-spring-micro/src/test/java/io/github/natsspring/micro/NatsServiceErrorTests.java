package io.github.natsspring.micro;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsServiceErrorException;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.micro.TestServices.ErrorService;
import io.github.natsspring.micro.TestServices.Invoice;
import io.github.natsspring.micro.TestServices.InvoiceRequest;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.micro.MicroTestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every way a request can fail: the reply carries exactly the two protocol headers and an empty body, the error
 * counts in the endpoint's stats, and NatsTemplate turns it into a typed exception.
 */
@Tag("compat")
class NatsServiceErrorTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private final ApplicationContextRunner runner = MicroTestSupport.runner(nats);

	@Test
	void everyFailureRepliesWithTheProtocolHeadersAndIsCounted() {
		this.runner.withUserConfiguration(ErrorService.class).run((context) -> {
			try (Connection raw = Nats.connect(nats.url())) {
				assertError(raw, "errors.validate", "{not json", 400, "invalid request: Payload is not valid JSON");
				assertError(raw, "errors.validate", "", 400, "invalid request: Payload value must not be empty");
				String invalid = assertError(raw, "errors.validate", "{\"id\":\"\",\"amount\":-1}", 400,
						"invalid request: ");
				assertThat(invalid).contains("id ").contains("amount ");
				assertError(raw, "errors.not-found", "7", 404, "invoice 7 not found");
				assertError(raw, "errors.conflict", "8", 409, "invoice 8 is already paid");
				String hidden = assertError(raw, "errors.hidden", "9", 503, "service unavailable");
				assertThat(hidden).isEqualTo("service unavailable");
				String internal = assertError(raw, "errors.boom", "10", 500, "internal error");
				assertThat(internal).isEqualTo("internal error");
				assertError(raw, "errors.async", "11", 429, "slow down");
				assertThat(assertError(raw, "errors.unwritable", "12", 500, "internal error"))
					.isEqualTo("internal error");
				assertThat(assertError(raw, "errors.too-large", "13", 500, "internal error"))
					.isEqualTo("internal error");
				// a valid request still works: the subscription survived
				Message ok = raw.request("errors.validate",
						"{\"id\":\"a\",\"amount\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
				assertThat(ok.getHeaders().getFirst(NatsHeaders.SERVICE_ERROR_CODE)).isNull();
			}
			NatsServiceContainer service = service(context, "errors");
			assertThat(stats(service, "validate")).satisfies((stats) -> {
				assertThat(stats.numRequests()).isEqualTo(4);
				assertThat(stats.numErrors()).isEqualTo(3);
				assertThat(stats.lastError()).startsWith("400:invalid request: ");
			});
			assertThat(stats(service, "notFound").lastError()).isEqualTo("404:invoice 7 not found");
			assertThat(stats(service, "conflict").lastError()).isEqualTo("409:invoice 8 is already paid");
			assertThat(stats(service, "hidden").lastError()).isEqualTo("503:service unavailable");
			assertThat(stats(service, "boom").lastError()).isEqualTo("500:internal error");
			assertThat(stats(service, "async").lastError()).isEqualTo("429:slow down");
			assertThat(stats(service, "unwritable").lastError()).isEqualTo("500:internal error");
			assertThat(stats(service, "tooLarge")).satisfies((stats) -> {
				assertThat(stats.numRequests()).isEqualTo(1);
				assertThat(stats.lastError()).isEqualTo("500:internal error");
			});
			assertThat(service.getStats().stream().mapToLong(EndpointStats::numErrors).sum()).isEqualTo(10);
			try (Connection raw = Nats.connect(nats.url())) {
				Message reply = raw.request("$SRV.STATS.errors", new byte[0], Duration.ofSeconds(2));
				MicroSchemas.assertValid("stats", reply.getData());
			}
		});
	}

	@Test
	void natsTemplateTurnsErrorRepliesIntoTypedExceptions() {
		this.runner.withUserConfiguration(ErrorService.class).run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			assertThatExceptionOfType(NatsServiceErrorException.class)
				.isThrownBy(() -> template.request("errors.not-found", "42", String.class))
				.satisfies((ex) -> {
					assertThat(ex.getCode()).isEqualTo(404);
					assertThat(ex.getDescription()).isEqualTo("invoice 42 not found");
					assertThat(ex.getSubject()).isEqualTo("errors.not-found");
				});
			assertThatExceptionOfType(NatsServiceErrorException.class)
				.isThrownBy(() -> template.request("errors.validate", new InvoiceRequest("", 0), Invoice.class))
				.satisfies((ex) -> {
					assertThat(ex.getCode()).isEqualTo(400);
					assertThat(ex.getDescription()).contains("id").contains("amount");
				});
			assertThatExceptionOfType(NatsServiceErrorException.class)
				.isThrownBy(() -> template.request("errors.boom", "1", String.class))
				.satisfies((ex) -> {
					assertThat(ex.getCode()).isEqualTo(500);
					assertThat(ex.getDescription()).isEqualTo("internal error");
				});
		});
	}

	/**
	 * Sends a request with envelope headers and checks the error reply.
	 * @return the error description
	 */
	private static String assertError(Connection raw, String subject, String body, int code, String descriptionStart)
			throws Exception {
		Headers headers = new Headers().put(NatsHeaders.MESSAGE_ID, "m-" + subject)
			.put(NatsHeaders.CONTENT_TYPE, "application/json");
		Message reply = raw
			.request(NatsMessage.builder()
				.subject(subject)
				.headers(headers)
				.data(body.getBytes(StandardCharsets.UTF_8))
				.build(), Duration.ofSeconds(2));
		assertThat(reply).as("reply on %s", subject).isNotNull();
		assertThat(reply.isStatusMessage()).isFalse();
		assertThat(reply.getData()).as("error reply body").isEmpty();
		Headers replyHeaders = reply.getHeaders();
		assertThat(replyHeaders.keySet()).as("headers of the error reply on %s", subject)
			.containsExactlyInAnyOrder(NatsHeaders.SERVICE_ERROR, NatsHeaders.SERVICE_ERROR_CODE);
		assertThat(replyHeaders.get(NatsHeaders.SERVICE_ERROR_CODE)).containsExactly(Integer.toString(code));
		List<String> description = replyHeaders.get(NatsHeaders.SERVICE_ERROR);
		assertThat(description).hasSize(1);
		assertThat(description.get(0)).startsWith(descriptionStart).doesNotContain("db-host").doesNotContain("Exception");
		return description.get(0);
	}

	private static EndpointStats stats(NatsServiceContainer service, String endpoint) {
		return NatsServiceRequestTests.stats(service, endpoint);
	}


}
