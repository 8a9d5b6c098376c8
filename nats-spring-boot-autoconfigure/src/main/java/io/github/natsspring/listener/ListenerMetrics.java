package io.github.natsspring.listener;

/**
 * Records how listener invocations went. Containers call it once per handled message; the Micrometer
 * implementation turns it into the {@code nats.listener} timer, and without Micrometer it does nothing.
 */
public interface ListenerMetrics {

	/** Records nothing. */
	ListenerMetrics NONE = (listener, kind, outcome, nanos) -> {
	};

	/**
	 * Records one handled message.
	 * @param listenerId the listener's id
	 * @param kind the kind of listener: {@code subscription}, {@code jetstream}, {@code kv}
	 * @param outcome how it ended, for example {@code success}, {@code failure}, {@code acked}, {@code retried},
	 * {@code dead-lettered}
	 * @param nanos how long the handling took
	 */
	void record(String listenerId, String kind, String outcome, long nanos);

}
