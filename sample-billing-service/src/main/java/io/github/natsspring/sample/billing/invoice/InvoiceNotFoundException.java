package io.github.natsspring.sample.billing.invoice;

import io.github.natsspring.core.ServiceErrorCode;

/**
 * No invoice with that id. Answered with error code 404.
 */
@ServiceErrorCode(404)
public class InvoiceNotFoundException extends RuntimeException {

	public InvoiceNotFoundException(String id) {
		super("invoice " + id + " not found");
	}

}
