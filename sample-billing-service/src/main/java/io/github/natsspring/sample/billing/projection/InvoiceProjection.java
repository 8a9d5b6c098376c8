package io.github.natsspring.sample.billing.projection;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.jetstream.listener.JetStreamMetadata;
import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.sample.billing.document.InvoiceDocuments;
import io.github.natsspring.sample.billing.event.InvoiceEvent;
import io.github.natsspring.sample.billing.event.InvoiceEventType;
import io.github.natsspring.sample.billing.query.InvoiceView;

/**
 * Keeps the read model ({@code INVOICE_VIEWS}) and the rendered documents current from the {@code BILLING_EVENTS}
 * stream, through the durable consumer {@code invoice-projection} declared in {@code application.yml}.
 * <p>
 * Idempotent: each view remembers the stream sequence of the last event applied, so a redelivered event (after a
 * crash between handling and ack) changes nothing. An event that cannot be applied — one that does not parse, or a
 * payment for an invoice the projection never saw created — is not retried: it goes to the dead-letter stream
 * with the reason, and the events around it keep flowing.
 */
@Component
public class InvoiceProjection {

	private static final Log logger = LogFactory.getLog(InvoiceProjection.class);

	private final KeyValueTemplate views;

	private final InvoiceDocuments documents;

	public InvoiceProjection(@Qualifier("INVOICE_VIEWS") KeyValueTemplate views, InvoiceDocuments documents) {
		this.views = views;
		this.documents = documents;
	}

	@JetStreamListener(stream = "BILLING_EVENTS", consumer = "invoice-projection",
			nonRetryable = UnknownInvoiceException.class)
	public void apply(InvoiceEvent event, JetStreamMetadata metadata) {
		String id = event.invoice().id();
		InvoiceView current = this.views.get(id, InvoiceView.class);
		if (current != null && current.lastEventSequence() >= metadata.streamSequence()) {
			logger.debug("Event " + event.eventId() + " (sequence " + metadata.streamSequence() + ") already applied");
			return;
		}
		if (current == null && event.type() != InvoiceEventType.CREATED) {
			throw new UnknownInvoiceException(event);
		}
		String document = this.documents.store(event.invoice());
		this.views.put(id, new InvoiceView(event.invoice(), metadata.streamSequence(), document));
	}

}
