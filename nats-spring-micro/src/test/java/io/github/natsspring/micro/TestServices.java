package io.github.natsspring.micro;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.Message;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.messaging.handler.annotation.Header;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsServiceException;
import io.github.natsspring.core.ServiceErrorCode;

/**
 * Services the tests run; several instances of one service run as separate application contexts.
 */
final class TestServices {

	private TestServices() {
	}

	record InvoiceRequest(@NotBlank String id, @Positive int amount) {
	}

	record Invoice(String id, int amount, String status) {
	}

	/**
	 * Groups, queue group precedence, placeholders, metadata and all parameter kinds.
	 */
	@NatsService(name = "billing", version = "${billing.version:1.2.3}", description = "Invoices and payments",
			metadata = { "team=payments", "region=${billing.region:eu}" }, queueGroup = "billing-q",
			groups = { @EndpointGroup(name = "invoice", subject = "billing.invoice", queueGroup = "invoicing"),
					@EndpointGroup(name = "admin", subject = "${billing.admin-subject:billing.admin}",
							queueGroup = NatsService.NO_QUEUE_GROUP) })
	static class BillingService {

		@Value("${instance:solo}")
		String instance;

		/** billing.invoice.get, queue group of the group. */
		@NatsEndpoint(group = "invoice", subject = "get", metadata = "schema=InvoiceRequest")
		Invoice get(@Valid InvoiceRequest request) {
			return new Invoice(request.id(), request.amount(), "open");
		}

		/** billing.invoice.create, its own queue group. */
		@NatsEndpoint(group = "invoice", name = "create", subject = "create", queueGroup = "creators")
		Invoice createInvoice(InvoiceRequest request, @Header("Tenant") String tenant) {
			return new Invoice(request.id(), request.amount(), "created for " + tenant);
		}

		/** billing.echo, the service's queue group. */
		@NatsEndpoint(subject = "billing.echo")
		String echo(String text, @Header(NatsHeaders.SUBJECT) String subject) {
			return this.instance + ":" + text + "@" + subject;
		}

		/** billing.admin.whoami, no queue group: every instance answers. */
		@NatsEndpoint(group = "admin", subject = "whoami")
		String whoami() {
			return this.instance;
		}

		/** billing.raw: bytes in, bytes out, the jnats message. */
		@NatsEndpoint(subject = "billing.raw", queueGroup = "${raw.queue:raw-q}")
		byte[] raw(byte[] body, Message message) {
			return (new String(body, StandardCharsets.UTF_8) + "|" + message.getSubject())
				.getBytes(StandardCharsets.UTF_8);
		}

		/** billing.void: no return value, an empty reply. */
		@NatsEndpoint(subject = "billing.void")
		void fireAndForget(String text) {
		}

		/** billing.async: the reply comes when the future completes. */
		@NatsEndpoint(subject = "billing.async")
		CompletableFuture<Invoice> async(InvoiceRequest request) {
			return CompletableFuture.supplyAsync(() -> new Invoice(request.id(), request.amount(), "later"),
					CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
		}

	}

	/**
	 * A second service for discovery: everything default.
	 */
	@NatsService(name = "inventory")
	static class InventoryService {

		@NatsEndpoint(subject = "inventory.count")
		int count(String sku) {
			return sku.length();
		}

	}

	@ServiceErrorCode(409)
	static class AlreadyPaidException extends RuntimeException {

		AlreadyPaidException(String message) {
			super(message);
		}

	}

	@ServiceErrorCode(value = 503, exposeMessage = false)
	static class BackendDownException extends RuntimeException {

		BackendDownException(String message) {
			super(message);
		}

	}

	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("cannot be read");
		}

	}

	/**
	 * One endpoint per way to fail.
	 */
	@NatsService(name = "errors", version = "1.0.0")
	static class ErrorService {

		@NatsEndpoint(subject = "errors.validate")
		Invoice validate(@Valid InvoiceRequest request) {
			return new Invoice(request.id(), request.amount(), "ok");
		}

		@NatsEndpoint(subject = "errors.not-found")
		String notFound(String id) {
			throw new NatsServiceException(404, "invoice " + id + " not found");
		}

		@NatsEndpoint(subject = "errors.conflict")
		String conflict(String id) {
			throw new AlreadyPaidException("invoice " + id + " is already paid");
		}

		@NatsEndpoint(subject = "errors.hidden")
		String hidden(String id) {
			throw new BackendDownException("password rejected by db-host:5432");
		}

		@NatsEndpoint(subject = "errors.boom")
		String boom(String id) {
			throw new IllegalStateException("secret internals at db-host:5432");
		}

		@NatsEndpoint(subject = "errors.async")
		CompletableFuture<String> async(String id) {
			return CompletableFuture.supplyAsync(() -> {
				throw new NatsServiceException(429, "slow down");
			});
		}

		@NatsEndpoint(subject = "errors.too-large")
		String tooLarge(String id) {
			return "x".repeat(2 * 1024 * 1024);
		}

		@NatsEndpoint(subject = "errors.unwritable")
		Unwritable unwritable(String id) {
			return new Unwritable();
		}

	}

}
