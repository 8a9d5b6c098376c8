package io.github.natsspring.sample.billing.web;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.github.natsspring.sample.billing.client.BillingClient;
import io.github.natsspring.sample.billing.command.CreateInvoice;
import io.github.natsspring.sample.billing.command.PayInvoice;
import io.github.natsspring.sample.billing.command.VoidInvoice;
import io.github.natsspring.sample.billing.document.InvoiceDocuments;
import io.github.natsspring.sample.billing.invoice.Invoice;
import io.github.natsspring.sample.billing.invoice.InvoiceLine;
import io.github.natsspring.sample.billing.invoice.InvoiceStatus;
import io.github.natsspring.sample.billing.query.InvoiceView;
import io.github.natsspring.sample.billing.query.ListInvoices;

/**
 * A small HTTP front door so a person can try the service with curl. Commands and queries go over NATS to the
 * billing service through the typed {@link BillingClient}, exactly as another service would call it; the rendered
 * document is read from the object store.
 *
 * <pre>
 * curl -X POST localhost:8080/invoices -H 'Content-Type: application/json' \
 *   -d '{"invoiceId":"inv-1","customerId":"acme","lines":[{"description":"Support","quantity":2,"unitPriceCents":5000}]}'
 * curl -X POST localhost:8080/invoices/inv-1/pay -H 'Content-Type: application/json' -d '{"amountCents":12000}'
 * curl localhost:8080/invoices/inv-1
 * </pre>
 */
@RestController
@RequestMapping("/invoices")
class InvoiceController {

	private final BillingClient billing;

	private final InvoiceDocuments documents;

	InvoiceController(BillingClient billing, InvoiceDocuments documents) {
		this.billing = billing;
		this.documents = documents;
	}

	@PostMapping
	Invoice create(@RequestBody CreateInvoiceBody body) {
		return this.billing.create(new CreateInvoice(body.invoiceId(), body.customerId(), body.lines()));
	}

	@PostMapping("/{id}/pay")
	Invoice pay(@PathVariable String id, @RequestBody PayBody body) {
		return this.billing.pay(new PayInvoice(id, body.amountCents()));
	}

	@PostMapping("/{id}/void")
	Invoice voidInvoice(@PathVariable String id, @RequestBody VoidBody body) {
		return this.billing.voidInvoice(new VoidInvoice(id, body.reason()));
	}

	/** Answered asynchronously: no request thread waits for the reply. */
	@GetMapping("/{id}")
	CompletableFuture<InvoiceView> get(@PathVariable String id) {
		return this.billing.byId(id);
	}

	@GetMapping
	List<InvoiceView> list(@RequestParam(required = false) String customerId,
			@RequestParam(required = false) InvoiceStatus status) {
		return this.billing.list(new ListInvoices(customerId, status));
	}

	@GetMapping(path = "/{id}/document", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> document(@PathVariable String id) {
		return ResponseEntity.ok(this.documents.load(id));
	}

	record CreateInvoiceBody(String invoiceId, String customerId, List<InvoiceLine> lines) {
	}

	record PayBody(long amountCents) {
	}

	record VoidBody(String reason) {
	}

}
