package io.github.natsspring.observation;

import io.micrometer.observation.transport.ReceiverContext;
import io.nats.client.Message;

/**
 * Observation context of a message being handled by a listener: tracing handlers read the trace context from its
 * headers, so the handling continues the sender's trace.
 */
public class NatsReceiverContext extends ReceiverContext<Message> {

	private final String listenerId;

	private final String listenerKind;

	/**
	 * Creates a context.
	 * @param message the incoming message (the carrier)
	 * @param listenerId the listener's id
	 * @param kind the kind of listener ({@code subscription}, {@code jetstream}, {@code service}, ...)
	 */
	public NatsReceiverContext(Message message, String listenerId, String kind) {
		super((carrier, key) -> (carrier != null && carrier.hasHeaders()) ? carrier.getHeaders().getFirst(key) : null);
		setCarrier(message);
		setRemoteServiceName("nats");
		this.listenerId = listenerId;
		this.listenerKind = kind;
	}

	public String getSubject() {
		Message message = getCarrier();
		return (message != null) ? message.getSubject() : null;
	}

	public String getListenerId() {
		return this.listenerId;
	}

	public String getListenerKind() {
		return this.listenerKind;
	}

}
