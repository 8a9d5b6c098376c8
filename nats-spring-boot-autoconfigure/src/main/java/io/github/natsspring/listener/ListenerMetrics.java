package io.github.natsspring.listener;

/**
 * Records how listener invocations went. Containers take a {@link Recorder} for their listener once and call it per
 * handled message; the Micrometer implementation turns it into the {@code nats.listener} timer, and without
 * Micrometer it does nothing.
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

	/**
	 * The recorder of one listener, for its container to keep: implementations look up their meters once per
	 * listener and outcome, not per message.
	 * @param listenerId the listener's id
	 * @param kind the kind of listener
	 * @return the recorder
	 */
	default Recorder recorder(String listenerId, String kind) {
		return (outcome, nanos) -> record(listenerId, kind, outcome, nanos);
	}

	/**
	 * Records the handled messages of one listener.
	 */
	@FunctionalInterface
	interface Recorder {

		/**
		 * Records one handled message.
		 * @param outcome how it ended
		 * @param nanos how long the handling took
		 */
		void record(String outcome, long nanos);

	}

}
