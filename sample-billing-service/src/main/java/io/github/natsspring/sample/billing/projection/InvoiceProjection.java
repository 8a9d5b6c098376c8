package io.github.natsspring.sample.billing.projection;

import jakarta.validation.Valid;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.jetstream.listener.JetStreamMetadata;
import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.sample.billing.document.InvoiceDocuments;
import io.github.natsspring.sample.billing.event.InvoiceEvent;
import io.github.natsspring.sample.billing.query.InvoiceView;

/**
 * Keeps the read model ({@code INVOICE_VIEWS}) and the rendered documents current from the {@code BILLING_EVENTS}
 * stream, through the durable consumer {@code invoice-projection} declared in {@code application.yml}.
 * <p>
 * Every event carries the whole invoice as it is after the change, so applying an event means storing that
 * snapshot — unless the view already reflects this event or a later one. That makes the projection idempotent (a
 * redelivered event, after a crash between handling and ack, changes nothing) and safe when a failed event is retried
 * after the ones behind it. A transient failure (the object store briefly unavailable) is retried with growing
 * delays, at most four deliveries; an event that cannot be read or is incomplete is not retried: it goes to the
 * dead-letter stream with the reason, and the events around it keep flowing.
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

	@JetStreamListener(stream = "BILLING_EVENTS", consumer = "invoice-projection", maxDeliver = "4",
			nakDelay = { "500ms", "2s", "5s" })
	public void apply(@Valid InvoiceEvent event, JetStreamMetadata metadata) {
		String id = event.invoice().id();
		InvoiceView current = this.views.get(id, InvoiceView.class);
		if (current != null && current.lastEventSequence() >= metadata.streamSequence()) {
			logger.debug("Event " + event.eventId() + " (sequence " + metadata.streamSequence() + ") already applied");
			return;
		}
		String document = this.documents.store(event.invoice());
		this.views.put(id, new InvoiceView(event.invoice(), metadata.streamSequence(), document));
	}

}
