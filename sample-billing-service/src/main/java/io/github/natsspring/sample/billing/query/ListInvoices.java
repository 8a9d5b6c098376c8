package io.github.natsspring.sample.billing.query;

import io.github.natsspring.sample.billing.invoice.InvoiceStatus;

/**
 * Which invoices to list; every field optional.
 *
 * @param customerId only this customer's invoices
 * @param status only invoices in this state
 */
public record ListInvoices(String customerId, InvoiceStatus status) {
}
