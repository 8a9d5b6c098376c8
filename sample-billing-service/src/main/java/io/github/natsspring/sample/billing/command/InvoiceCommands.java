package io.github.natsspring.sample.billing.command;

import java.time.Clock;
import java.util.OptionalLong;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import io.github.natsspring.core.NatsServiceException;
import io.github.natsspring.kv.KeyValueItem;
import io.github.natsspring.kv.KeyValueRevisionConflictException;
import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.sample.billing.event.InvoiceEventType;
import io.github.natsspring.sample.billing.event.InvoiceEvents;
import io.github.natsspring.sample.billing.flags.TaxRules;
import io.github.natsspring.sample.billing.invoice.Invoice;
import io.github.natsspring.sample.billing.invoice.InvoiceConflictException;
import io.github.natsspring.sample.billing.invoice.InvoiceNotFoundException;
import io.github.natsspring.sample.billing.invoice.InvoiceStatus;

/**
 * Handles invoice commands against the write model (the {@code INVOICES} KV bucket, updated with
 * compare-and-set) and publishes an event for each change.
 * <p>
 * Every command is idempotent: repeating it finds the change already made, changes nothing, and publishes the
 * event again under the same message id — so a command that stored its change but failed before its event was
 * acknowledged gets its event out when the client retries. Within the stream's duplicate window (2 minutes here)
 * the server stores that event once; a later repeat stores it again, which the projection absorbs because events
 * carry the whole invoice and it applies them by stream sequence. Without a client retry, a change whose event
 * could not be published stays unpublished: this sample accepts that dual write; an outbox would close it.
 */
@Component
public class InvoiceCommands {

	private final KeyValueTemplate invoices;

	private final InvoiceEvents events;

	private final TaxRules taxRules;

	private final Clock clock;

	public InvoiceCommands(@Qualifier("INVOICES") KeyValueTemplate invoices, InvoiceEvents events, TaxRules taxRules,
			Clock clock) {
		this.invoices = invoices;
		this.events = events;
		this.taxRules = taxRules;
		this.clock = clock;
	}

	public Invoice create(CreateInvoice command) {
		KeyValueItem<Invoice> existing = this.invoices.getItem(command.invoiceId(), Invoice.class);
		if (existing == null) {
			Invoice invoice = Invoice.open(command.invoiceId(), command.customerId(), command.lines(),
					this.taxRules.current(), this.clock.instant());
			OptionalLong created = this.invoices.createIfAbsent(invoice.id(), invoice);
			if (created.isPresent()) {
				this.events.publish(InvoiceEventType.CREATED, invoice);
				return invoice;
			}
			// another instance created it at the same moment: treat it as an existing invoice
			existing = this.invoices.getItem(command.invoiceId(), Invoice.class);
		}
		Invoice invoice = existing.value();
		if (!invoice.sameRequest(command.customerId(), command.lines())) {
			throw new InvoiceConflictException("invoice " + invoice.id() + " exists with other content");
		}
		if (invoice.status() == InvoiceStatus.OPEN) {
			// the first attempt may have stored the invoice but failed before its event was acknowledged
			this.events.publish(InvoiceEventType.CREATED, invoice);
		}
		return invoice;
	}

	public Invoice pay(PayInvoice command) {
		for (int attempt = 0;; attempt++) {
			KeyValueItem<Invoice> item = require(command.invoiceId());
			Invoice invoice = item.value();
			switch (invoice.status()) {
				case PAID -> {
					this.events.publish(InvoiceEventType.PAID, invoice);
					return invoice;
				}
				case VOID -> throw new InvoiceConflictException("invoice " + invoice.id() + " is void");
				case OPEN -> {
					if (command.amountCents() != invoice.totalCents()) {
						throw new NatsServiceException(400, "amount " + command.amountCents()
								+ " does not match the invoice total " + invoice.totalCents());
					}
				}
			}
			Invoice paid = invoice.paid(this.clock.instant());
			if (tryUpdate(paid, item.revision(), attempt)) {
				this.events.publish(InvoiceEventType.PAID, paid);
				return paid;
			}
		}
	}

	public Invoice voidInvoice(VoidInvoice command) {
		for (int attempt = 0;; attempt++) {
			KeyValueItem<Invoice> item = require(command.invoiceId());
			Invoice invoice = item.value();
			if (invoice.status() == InvoiceStatus.VOID) {
				this.events.publish(InvoiceEventType.VOIDED, invoice);
				return invoice;
			}
			if (invoice.status() == InvoiceStatus.PAID) {
				throw new InvoiceConflictException("invoice " + invoice.id() + " is paid and cannot be voided");
			}
			Invoice voided = invoice.voided(command.reason(), this.clock.instant());
			if (tryUpdate(voided, item.revision(), attempt)) {
				this.events.publish(InvoiceEventType.VOIDED, voided);
				return voided;
			}
		}
	}

	private KeyValueItem<Invoice> require(String id) {
		KeyValueItem<Invoice> item = this.invoices.getItem(id, Invoice.class);
		if (item == null) {
			throw new InvoiceNotFoundException(id);
		}
		return item;
	}

	/** Compare-and-set: {@code false} when someone changed the invoice meanwhile (read again and retry). */
	private boolean tryUpdate(Invoice invoice, long expectedRevision, int attempt) {
		try {
			this.invoices.update(invoice.id(), invoice, expectedRevision);
			return true;
		}
		catch (KeyValueRevisionConflictException ex) {
			if (attempt >= 3) {
				throw new NatsServiceException(503, "invoice " + invoice.id() + " is changing; try again", ex);
			}
			return false;
		}
	}

}
