package io.github.natsspring.sample.billing.query;

import io.github.natsspring.sample.billing.invoice.Invoice;

/**
 * The read model of one invoice, as the projection keeps it in the {@code INVOICE_VIEWS} bucket.
 *
 * @param invoice the invoice as of the last applied event
 * @param lastEventSequence the stream sequence of that event: older or repeated deliveries change nothing
 * @param document the name of the rendered invoice in the {@code INVOICE_DOCUMENTS} object store
 */
public record InvoiceView(Invoice invoice, long lastEventSequence, String document) {
}
