package io.github.natsspring.sample.billing.command;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import io.github.natsspring.sample.billing.invoice.InvoiceLine;

/**
 * Create an invoice. The client chooses the id, which makes the command idempotent.
 *
 * @param invoiceId the invoice id
 * @param customerId the customer
 * @param lines what to bill
 */
public record CreateInvoice(@NotBlank String invoiceId, @NotBlank String customerId,
		@NotEmpty List<@Valid InvoiceLine> lines) {
}
