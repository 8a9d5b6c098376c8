package io.github.natsspring.sample.billing.command;

import jakarta.validation.constraints.NotBlank;

/**
 * Cancel an open invoice.
 *
 * @param invoiceId the invoice
 * @param reason why
 */
public record VoidInvoice(@NotBlank String invoiceId, @NotBlank String reason) {
}
