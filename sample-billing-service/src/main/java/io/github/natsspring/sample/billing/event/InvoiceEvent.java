package io.github.natsspring.sample.billing.event;

import java.time.Instant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import io.github.natsspring.sample.billing.invoice.Invoice;

/**
 * A fact about an invoice, published to {@code billing.evt.invoice.<type>} in the {@code BILLING_EVENTS} stream.
 * The event id is deterministic ({@code <type>:<invoice id>}) and is the JetStream message id, so a retried
 * publish of the same fact is de-duplicated by the server.
 *
 * @param eventId the event id
 * @param type what happened
 * @param invoice the invoice after it happened
 * @param occurredAt when it happened
 */
public record InvoiceEvent(@NotBlank String eventId, @NotNull InvoiceEventType type, @NotNull @Valid Invoice invoice,
		@NotNull Instant occurredAt) {

	public static InvoiceEvent of(InvoiceEventType type, Invoice invoice, Instant now) {
		return new InvoiceEvent(type.subjectToken() + ":" + invoice.id(), type, invoice, now);
	}

	public String subject() {
		return "billing.evt.invoice." + this.type.subjectToken();
	}

}
