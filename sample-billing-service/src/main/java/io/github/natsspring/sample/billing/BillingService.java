package io.github.natsspring.sample.billing;

import java.util.List;

import jakarta.validation.Valid;

import org.springframework.messaging.handler.annotation.Payload;

import io.github.natsspring.micro.EndpointGroup;
import io.github.natsspring.micro.NatsEndpoint;
import io.github.natsspring.micro.NatsService;
import io.github.natsspring.sample.billing.command.CreateInvoice;
import io.github.natsspring.sample.billing.command.InvoiceCommands;
import io.github.natsspring.sample.billing.command.PayInvoice;
import io.github.natsspring.sample.billing.command.VoidInvoice;
import io.github.natsspring.sample.billing.invoice.Invoice;
import io.github.natsspring.sample.billing.query.InvoiceQueries;
import io.github.natsspring.sample.billing.query.InvoiceView;
import io.github.natsspring.sample.billing.query.ListInvoices;

/**
 * The billing service on the NATS service protocol: commands under {@code billing.cmd.invoice.*}, queries under
 * {@code billing.qry.invoice.*}; discoverable with {@code nats micro ls}. Requests are validated; failures come back
 * as service errors (400 invalid, 404 unknown invoice, 409 conflict).
 */
@NatsService(name = "billing", version = "1.0.0", description = "Invoices: create, pay, void, query",
		groups = { @EndpointGroup(name = "cmd", subject = "billing.cmd.invoice"),
				@EndpointGroup(name = "qry", subject = "billing.qry.invoice") })
public class BillingService {

	private final InvoiceCommands commands;

	private final InvoiceQueries queries;

	public BillingService(InvoiceCommands commands, InvoiceQueries queries) {
		this.commands = commands;
		this.queries = queries;
	}

	@NatsEndpoint(group = "cmd", name = "create", subject = "create")
	public Invoice create(@Valid CreateInvoice command) {
		return this.commands.create(command);
	}

	@NatsEndpoint(group = "cmd", name = "pay", subject = "pay")
	public Invoice pay(@Valid PayInvoice command) {
		return this.commands.pay(command);
	}

	@NatsEndpoint(group = "cmd", name = "void", subject = "void")
	public Invoice voidInvoice(@Valid VoidInvoice command) {
		return this.commands.voidInvoice(command);
	}

	@NatsEndpoint(group = "qry", name = "by_id", subject = "by_id")
	public InvoiceView byId(String invoiceId) {
		return this.queries.byId(invoiceId);
	}

	@NatsEndpoint(group = "qry", name = "list", subject = "list")
	public List<InvoiceView> list(@Payload(required = false) ListInvoices filter) {
		return this.queries.list(filter);
	}

}
