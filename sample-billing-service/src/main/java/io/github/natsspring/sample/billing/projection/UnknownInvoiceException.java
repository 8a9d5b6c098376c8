package io.github.natsspring.sample.billing.projection;

import io.github.natsspring.sample.billing.event.InvoiceEvent;

/**
 * An event about an invoice the projection never saw created. Retrying cannot fix that: the event is
 * dead-lettered for a person to look at.
 */
public class UnknownInvoiceException extends RuntimeException {

	public UnknownInvoiceException(InvoiceEvent event) {
		super("event " + event.eventId() + " concerns invoice " + event.invoice().id()
				+ ", which was never created");
	}

}
