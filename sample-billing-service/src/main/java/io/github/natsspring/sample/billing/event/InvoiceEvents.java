package io.github.natsspring.sample.billing.event;

import java.time.Clock;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.jetstream.JetStreamTemplate;
import io.github.natsspring.jetstream.PublishResult;
import io.github.natsspring.sample.billing.invoice.Invoice;

/**
 * Publishes invoice events with a storage acknowledgement. The event id is the message id: publishing the same
 * fact again (a retried command) is recognised by the server as a duplicate and stored once.
 */
@Component
public class InvoiceEvents {

	private static final Log logger = LogFactory.getLog(InvoiceEvents.class);

	private final JetStreamTemplate jetStream;

	private final Clock clock;

	public InvoiceEvents(JetStreamTemplate jetStream, Clock clock) {
		this.jetStream = jetStream;
		this.clock = clock;
	}

	/**
	 * Publishes that something happened to an invoice.
	 * @param type what happened
	 * @param invoice the invoice after it happened
	 * @return where the event was stored
	 */
	public PublishResult publish(InvoiceEventType type, Invoice invoice) {
		InvoiceEvent event = InvoiceEvent.of(type, invoice, this.clock.instant());
		PublishResult result = this.jetStream.publish(event.subject(), event,
				Map.of(NatsHeaders.NATS_MSG_ID, event.eventId()));
		if (result.duplicate()) {
			logger.info("Event " + event.eventId() + " was published before (stream sequence " + result.sequence()
					+ "): stored once");
		}
		return result;
	}

}
