package io.github.natsspring.sample.billing.command;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

/**
 * Pay an invoice in full.
 *
 * @param invoiceId the invoice
 * @param amountCents the amount paid; must equal the invoice total
 */
public record PayInvoice(@NotBlank String invoiceId, @Positive long amountCents) {
}
