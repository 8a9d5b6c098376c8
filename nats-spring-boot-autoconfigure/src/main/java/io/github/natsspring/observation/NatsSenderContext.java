package io.github.natsspring.observation;

import io.micrometer.observation.transport.SenderContext;
import io.nats.client.impl.Headers;

/**
 * Observation context of a message being sent: tracing handlers write the trace context into its headers.
 */
public class NatsSenderContext extends SenderContext<Headers> {

	private final String subject;

	private final String operation;

	/**
	 * Creates a context.
	 * @param headers the outgoing message's headers (the carrier)
	 * @param subject the subject
	 * @param operation {@code publish} or {@code request}
	 */
	public NatsSenderContext(Headers headers, String subject, String operation) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		});
		setCarrier(headers);
		setRemoteServiceName("nats");
		this.subject = subject;
		this.operation = operation;
	}

	public String getSubject() {
		return this.subject;
	}

	public String getOperation() {
		return this.operation;
	}

}
