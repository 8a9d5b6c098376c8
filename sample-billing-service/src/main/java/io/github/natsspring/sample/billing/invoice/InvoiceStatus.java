package io.github.natsspring.sample.billing.invoice;

/**
 * Where an invoice stands.
 */
public enum InvoiceStatus {

	/** Created, waiting for payment. */
	OPEN,
	/** Paid in full. */
	PAID,
	/** Cancelled; will not be paid. */
	VOID

}
