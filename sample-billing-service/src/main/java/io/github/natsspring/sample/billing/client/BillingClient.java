package io.github.natsspring.sample.billing.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.natsspring.client.NatsExchange;
import io.github.natsspring.client.NatsRequest;
import io.github.natsspring.sample.billing.command.CreateInvoice;
import io.github.natsspring.sample.billing.command.PayInvoice;
import io.github.natsspring.sample.billing.command.VoidInvoice;
import io.github.natsspring.sample.billing.invoice.Invoice;
import io.github.natsspring.sample.billing.query.InvoiceView;
import io.github.natsspring.sample.billing.query.ListInvoices;

/**
 * The billing service as its callers see it: commands and queries as methods, over NATS request-reply. Another
 * service would use this very interface; here the HTTP front door does. A service error arrives as
 * {@code NatsServiceErrorException} with its code (400 invalid, 404 unknown invoice, 409 conflict).
 */
@NatsExchange("billing")
public interface BillingClient {

	@NatsRequest("cmd.invoice.create")
	Invoice create(CreateInvoice command);

	@NatsRequest("cmd.invoice.pay")
	Invoice pay(PayInvoice command);

	@NatsRequest("cmd.invoice.void")
	Invoice voidInvoice(VoidInvoice command);

	/** Queries answer from the read model; they have a shorter timeout than commands. */
	@NatsRequest(subject = "qry.invoice.by_id", timeout = "${billing.client.query-timeout:2s}")
	CompletableFuture<InvoiceView> byId(String invoiceId);

	@NatsRequest(subject = "qry.invoice.list", timeout = "${billing.client.query-timeout:2s}")
	List<InvoiceView> list(ListInvoices filter);

}
