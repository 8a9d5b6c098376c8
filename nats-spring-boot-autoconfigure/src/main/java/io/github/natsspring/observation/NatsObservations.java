package io.github.natsspring.observation;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

/**
 * Creates the observations of sending ({@code nats.send}) and handling ({@code nats.process}) messages. With a
 * tracing bridge on the classpath (Brave, OpenTelemetry) the trace context travels in the message headers, so a
 * listener's work joins the trace of the code that sent the message.
 * <p>
 * Low-cardinality keys: {@code messaging.system}, {@code messaging.operation}, and {@code nats.listener} /
 * {@code nats.listener.kind} on the receiving side. The subject is a high-cardinality key (subjects often carry
 * ids).
 */
public final class NatsObservations {

	private static final ObservationConvention<NatsSenderContext> SENDER = new SenderConvention();

	private static final ObservationConvention<NatsReceiverContext> RECEIVER = new ReceiverConvention();

	private NatsObservations() {
	}

	/**
	 * An observation of sending a message; start it before the headers are written to the wire.
	 * @param registry the registry
	 * @param headers the outgoing headers
	 * @param subject the subject
	 * @param operation {@code publish} or {@code request}
	 * @return the observation, not started
	 */
	public static Observation send(ObservationRegistry registry, Headers headers, String subject, String operation) {
		return Observation.createNotStarted(SENDER, () -> new NatsSenderContext(headers, subject, operation), registry);
	}

	/**
	 * An observation of a listener handling a message.
	 * @param registry the registry
	 * @param message the incoming message
	 * @param listenerId the listener's id
	 * @param kind the kind of listener
	 * @return the observation, not started
	 */
	public static Observation process(ObservationRegistry registry, Message message, String listenerId, String kind) {
		return Observation.createNotStarted(RECEIVER, () -> new NatsReceiverContext(message, listenerId, kind),
				registry);
	}

	private static final class SenderConvention implements ObservationConvention<NatsSenderContext> {

		@Override
		public String getName() {
			return "nats.send";
		}

		@Override
		public String getContextualName(NatsSenderContext context) {
			return context.getSubject() + " " + context.getOperation();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(NatsSenderContext context) {
			return KeyValues.of("messaging.system", "nats", "messaging.operation", context.getOperation());
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(NatsSenderContext context) {
			return KeyValues.of("messaging.destination.name", context.getSubject());
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof NatsSenderContext;
		}

	}

	private static final class ReceiverConvention implements ObservationConvention<NatsReceiverContext> {

		@Override
		public String getName() {
			return "nats.process";
		}

		@Override
		public String getContextualName(NatsReceiverContext context) {
			return context.getSubject() + " process";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(NatsReceiverContext context) {
			return KeyValues.of("messaging.system", "nats", "messaging.operation", "process", "nats.listener",
					context.getListenerId(), "nats.listener.kind", context.getListenerKind());
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(NatsReceiverContext context) {
			return KeyValues.of("messaging.destination.name", String.valueOf(context.getSubject()));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof NatsReceiverContext;
		}

	}

}
