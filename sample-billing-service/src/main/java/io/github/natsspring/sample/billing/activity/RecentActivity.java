package io.github.natsspring.sample.billing.activity;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Component;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.sample.billing.event.InvoiceEvent;

/**
 * A live ticker of the latest invoice events, for the dashboard of the billing desk. It reads them with a plain core
 * subscription, not through JetStream: missing one while the service restarts is fine for a ticker, and it needs no
 * consumer on the server. (The projection, which must not miss any, reads the stream.)
 */
@Component
public class RecentActivity {

	/** How many events the ticker shows. */
	static final int SIZE = 20;

	private final Deque<String> latest = new ArrayDeque<>();

	@NatsListener(subject = "billing.evt.>", id = "recent-activity")
	public void onEvent(InvoiceEvent event, @Header(NatsHeaders.SUBJECT) String subject) {
		synchronized (this.latest) {
			this.latest.addFirst(subject + " " + event.eventId());
			while (this.latest.size() > SIZE) {
				this.latest.removeLast();
			}
		}
	}

	/**
	 * The latest events, newest first, as {@code <subject> <event id>}.
	 * @return the events
	 */
	public List<String> latest() {
		synchronized (this.latest) {
			return List.copyOf(this.latest);
		}
	}

}
