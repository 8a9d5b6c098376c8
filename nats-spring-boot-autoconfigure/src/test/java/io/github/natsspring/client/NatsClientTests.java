package io.github.natsspring.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.client.scan.EchoClients;
import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsInvalidSubjectException;
import io.github.natsspring.core.NatsNoRespondersException;
import io.github.natsspring.core.NatsRequestTimeoutException;
import io.github.natsspring.core.NatsServiceErrorException;
import io.github.natsspring.core.NatsServiceException;
import io.github.natsspring.jetstream.JetStreamNoStreamException;
import io.github.natsspring.jetstream.PublishResult;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Typed clients against a real server, calling services of the same application ({@code @NatsListener} methods):
 * what a caller gets back, what the service and the stream receive, and every kind of failure. One context for
 * the whole class.
 */
@Tag("compat")
@DirtiesContext
@SpringBootTest(classes = NatsClientTests.Application.class,
		properties = { "nats.drain-timeout=1s", "nats.request-timeout=2s", "clients.billing.prefix=svc",
				"clients.echo.prefix=svc.util", "clients.tenant=acme", "clients.silent-timeout=200ms",
				"nats.jetstream.streams[EXPORTS].subjects=svc.exports.>",
				"nats.jetstream.streams[EXPORTS].duplicate-window=1m" })
class NatsClientTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	static Connection raw;

	@DynamicPropertySource
	static void natsProperties(DynamicPropertyRegistry registry) {
		registry.add("nats.servers", nats::url);
	}

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(nats.url());
		// a responder that never answers
		raw.createDispatcher((message) -> {
		}).subscribe("svc.silent");
		raw.flush(Duration.ofSeconds(2));
	}

	@AfterAll
	static void disconnect() throws Exception {
		raw.close();
	}

	@Autowired
	BillingClient billing;

	@Autowired
	ApplicationContext context;

	@Test
	void requestReplyConvertsBothWaysAndSendsHeaders() {
		Invoice created = this.billing.create(new CreateInvoice("inv-1", 1200), "globex");
		assertThat(created).isEqualTo(new Invoice("inv-1", 1200, "globex"));
		// no tenant argument: the interface's header applies (from a placeholder)
		assertThat(this.billing.create(new CreateInvoice("inv-2", 5), null).tenant()).isEqualTo("acme");
		assertThat(this.billing.list()).extracting(Invoice::id).containsExactly("inv-a", "inv-b");
		Message reply = this.billing.raw("inv-7");
		assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).contains("\"id\":\"inv-7\"");
		assertThat(this.billing.withHeaders("inv-3", Map.of("Tenant", "initech", "Trace", "t-1")).tenant())
			.isEqualTo("initech");
		assertThat(this.billing.byCustomer("hooli", "inv-9")).isEqualTo(new Invoice("inv-9", 0, "hooli"));
	}

	@Test
	void asyncRequestsCompleteWithTheReplyOrTheTypedFailure() throws Exception {
		CompletableFuture<Invoice> found = this.billing.byIdAsync("inv-5");
		assertThat(found.get(5, TimeUnit.SECONDS)).isEqualTo(new Invoice("inv-5", 500, "acme"));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.billing.byIdAsync("missing").get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(NatsServiceErrorException.class, (ex) -> assertThat(ex.getCode()).isEqualTo(404));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.billing.nobodyAsync("x").get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(NatsNoRespondersException.class);
		assertThat(this.billing.touchAsync("inv-5").get(5, TimeUnit.SECONDS)).isNull();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.billing.touchAsync("missing").get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(NatsServiceErrorException.class);
	}

	@Test
	void serviceErrorsNoRespondersAndTimeoutsAreTheTemplatesExceptions() {
		assertThatExceptionOfType(NatsServiceErrorException.class).isThrownBy(() -> this.billing.byId("missing"))
			.satisfies((ex) -> {
				assertThat(ex.getCode()).isEqualTo(404);
				assertThat(ex.getDescription()).isEqualTo("no invoice missing");
				assertThat(ex.getSubject()).isEqualTo("svc.invoice.by_id");
			});
		// void waits for the reply: an error reply still fails the call
		this.billing.touch("inv-1");
		assertThatExceptionOfType(NatsServiceErrorException.class).isThrownBy(() -> this.billing.touch("missing"));
		assertThatExceptionOfType(NatsNoRespondersException.class).isThrownBy(() -> this.billing.nobody("x"))
			.satisfies((ex) -> assertThat(ex.getSubject()).isEqualTo("svc.nobody"));
		// the method's timeout (from a placeholder), then the interface's
		assertThatExceptionOfType(NatsRequestTimeoutException.class).isThrownBy(() -> this.billing.silent("x"))
			.satisfies((ex) -> assertThat(ex.getTimeout()).isEqualTo(Duration.ofMillis(200)));
		assertThatExceptionOfType(NatsRequestTimeoutException.class)
			.isThrownBy(() -> this.billing.silentWithDefaultTimeout("x"))
			.satisfies((ex) -> assertThat(ex.getTimeout()).isEqualTo(Duration.ofMillis(300)));
	}

	@Test
	void publishFillsSubjectVariablesAndRejectsValuesThatAreNotOneToken() throws Exception {
		BlockingQueue<Message> received = new LinkedBlockingQueue<>();
		raw.createDispatcher(received::add).subscribe("svc.evt.invoice.>");
		raw.flush(Duration.ofSeconds(2));
		this.billing.viewed("inv-1", "alice");
		Message viewed = received.poll(5, TimeUnit.SECONDS);
		assertThat(viewed).isNotNull();
		assertThat(viewed.getSubject()).isEqualTo("svc.evt.invoice.inv-1.viewed");
		assertThat(new String(viewed.getData(), StandardCharsets.UTF_8)).isEqualTo("alice");
		assertThat(viewed.getHeaders().getFirst("Tenant")).isEqualTo("acme");
		assertThat(viewed.getHeaders().getFirst(NatsHeaders.MESSAGE_ID)).isNotBlank();
		for (String bad : List.of("a.b", "*", ">", "a b", "")) {
			assertThatExceptionOfType(NatsInvalidSubjectException.class).as(bad)
				.isThrownBy(() -> this.billing.viewed(bad, "mallory"));
		}
		this.billing.viewed("inv-2", "bob");
		assertThat(received.poll(5, TimeUnit.SECONDS).getSubject()).as("nothing was sent for the bad ids")
			.isEqualTo("svc.evt.invoice.inv-2.viewed");
	}

	@Test
	void jetStreamPublishReturnsTheAcknowledgementAndDeduplicatesByMessageId() throws Exception {
		PublishResult first = this.billing.exported(new Export("inv-1", "pdf"), "export-inv-1");
		PublishResult again = this.billing.exported(new Export("inv-1", "pdf"), "export-inv-1");
		assertThat(first.stream()).isEqualTo("EXPORTS");
		assertThat(first.messageId()).isEqualTo("export-inv-1");
		assertThat(first.duplicate()).isFalse();
		assertThat(again.duplicate()).isTrue();
		assertThat(again.sequence()).isEqualTo(first.sequence());
		MessageInfo stored = raw.jetStreamManagement().getMessage("EXPORTS", first.sequence());
		assertThat(stored.getSubject()).isEqualTo("svc.exports.invoice");
		assertThat(new String(stored.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"inv-1\",\"format\":\"pdf\"}");
		assertThat(stored.getHeaders().getFirst(NatsHeaders.MESSAGE_ID)).isEqualTo("export-inv-1");

		PublishResult async = this.billing.exportedAsync(new Export("inv-2", "csv")).get(5, TimeUnit.SECONDS);
		assertThat(async.sequence()).isEqualTo(first.sequence() + 1);
		this.billing.exportedQuietly(new Export("inv-3", "csv"), PublishOptions.builder().expectedStream("EXPORTS").build());
		assertThatIllegalArgumentException().isThrownBy(() -> this.billing.exported(new Export("inv-5", "pdf"), null))
			.withMessageContaining("header 'Nats-Msg-Id' is required");
		assertThat(raw.jetStreamManagement().getStreamInfo("EXPORTS").getStreamState().getMsgCount()).isEqualTo(3);
		assertThatExceptionOfType(JetStreamNoStreamException.class)
			.isThrownBy(() -> this.billing.unstored(new Export("inv-4", "pdf")));
	}

	@Test
	void scannedClientsDefaultMethodsAndObjectMethods() {
		Object echo = this.context.getBean(EchoClients.type());
		assertThat(EchoClients.shout(echo, "hello")).isEqualTo("ECHO: HELLO");
		assertThat(this.context.getBeanNamesForType(io.github.natsspring.client.scan.NotAClient.class)).isEmpty();
		assertThat(this.billing.byIdOrNull("missing")).isNull();
		assertThat(this.billing.byIdOrNull("inv-4")).isNotNull();
		assertThat(this.billing.toString()).isEqualTo("NATS client " + BillingClient.class.getName());
		assertThat(this.billing).isEqualTo(this.billing).hasSameHashCodeAs(this.billing);
	}

	record CreateInvoice(String id, long totalCents) {
	}

	record Invoice(String id, long totalCents, String tenant) {
	}

	record Export(String id, String format) {
	}

	@NatsExchange(subject = "${clients.billing.prefix}", timeout = "300ms", headers = "Tenant=${clients.tenant}")
	interface BillingClient {

		@NatsRequest("invoice.create")
		Invoice create(CreateInvoice command, @Header(name = "Tenant", required = false) String tenant);

		@NatsRequest(subject = "invoice.by_id", timeout = "2s")
		Invoice byId(String id);

		@NatsRequest(subject = "invoice.by_id", timeout = "2s")
		CompletableFuture<Invoice> byIdAsync(String id);

		@NatsRequest(subject = "invoice.by_id", timeout = "2s")
		Message raw(String id);

		@NatsRequest(subject = "invoice.by_id", timeout = "2s")
		Invoice withHeaders(String id, @Headers Map<String, String> headers);

		@NatsRequest(subject = "customer.{customer}.invoice", timeout = "2s")
		Invoice byCustomer(@DestinationVariable String customer, String id);

		@NatsRequest(subject = "invoice.list", timeout = "2s")
		List<Invoice> list();

		@NatsRequest(subject = "invoice.touch", timeout = "2s")
		void touch(String id);

		@NatsRequest(subject = "invoice.touch", timeout = "2s")
		CompletableFuture<Void> touchAsync(String id);

		@NatsRequest("nobody")
		String nobody(String text);

		@NatsRequest("nobody")
		CompletableFuture<String> nobodyAsync(String text);

		@NatsRequest(subject = "silent", timeout = "${clients.silent-timeout}")
		String silent(String text);

		@NatsRequest("silent")
		String silentWithDefaultTimeout(String text);

		@NatsPublish("evt.invoice.{id}.viewed")
		void viewed(@DestinationVariable("id") String invoiceId, String viewer);

		@JetStreamPublish("exports.invoice")
		PublishResult exported(Export export, @Header(NatsHeaders.NATS_MSG_ID) String exportId);

		@JetStreamPublish(subject = "exports.invoice", timeout = "2s")
		CompletableFuture<PublishResult> exportedAsync(Export export);

		@JetStreamPublish("exports.invoice")
		void exportedQuietly(Export export, PublishOptions options);

		@JetStreamPublish("unstored")
		PublishResult unstored(Export export);

		default Invoice byIdOrNull(String id) {
			try {
				return byId(id);
			}
			catch (NatsServiceErrorException ex) {
				return null;
			}
		}

	}

	static class BillingService {

		@NatsListener(subject = "svc.invoice.create")
		Invoice create(CreateInvoice command, @Header(name = "Tenant", required = false) String tenant) {
			return new Invoice(command.id(), command.totalCents(), tenant);
		}

		@NatsListener(subject = "svc.invoice.by_id")
		Invoice byId(String id, @Header(name = "Tenant", required = false) String tenant) {
			if (id.equals("missing")) {
				throw new NatsServiceException(404, "no invoice " + id);
			}
			return new Invoice(id, 500, tenant);
		}

		@NatsListener(subject = "svc.customer.*.invoice")
		Invoice byCustomer(String id, @Header(NatsHeaders.SUBJECT) String subject) {
			return new Invoice(id, 0, subject.split("\\.")[2]);
		}

		@NatsListener(subject = "svc.invoice.list")
		List<Invoice> list() {
			return List.of(new Invoice("inv-a", 1, "acme"), new Invoice("inv-b", 2, "acme"));
		}

		@NatsListener(subject = "svc.invoice.touch")
		String touch(String id) {
			if (id.equals("missing")) {
				throw new NatsServiceException(404, "no invoice " + id);
			}
			return "touched";
		}

		@NatsListener(subject = "svc.util.echo")
		String echo(String text) {
			return "echo: " + text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
			NatsJetStreamAutoConfiguration.class, JacksonAutoConfiguration.class })
	@ImportNatsClients(BillingClient.class)
	@ImportNatsClients(basePackageClasses = EchoClients.class)
	@Import(BillingService.class)
	static class Application {

	}

}
