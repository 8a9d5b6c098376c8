package io.github.natsspring.sample.billing.invoice;

import io.github.natsspring.core.ServiceErrorCode;

/**
 * The request contradicts the invoice's state (paying a voided invoice, reusing an id for other content).
 * Answered with error code 409.
 */
@ServiceErrorCode(409)
public class InvoiceConflictException extends RuntimeException {

	public InvoiceConflictException(String message) {
		super(message);
	}

}
