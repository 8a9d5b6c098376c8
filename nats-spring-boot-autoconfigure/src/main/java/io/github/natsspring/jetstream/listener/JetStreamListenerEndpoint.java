package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.natsspring.jetstream.reconcile.ConsumerDeclaration;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMethod;
import io.github.natsspring.listener.NatsListenerEndpoint;

/**
 * A {@code @JetStreamListener} method with its attributes resolved and checked.
 *
 * @param id the listener id
 * @param stream the stream
 * @param consumer the durable name, {@code null} for ordered consumers
 * @param ordered whether an ordered consumer is used
 * @param concurrency how many messages are handled at once
 * @param ackMode who acknowledges
 * @param declaration what the annotation declares about the consumer (with our defaults for what nobody else
 * declares); for ordered consumers only filter subjects and the start position
 * @param maxDeliver how many times the method is called for one message at most, {@code null} for the consumer
 * declaration's max-deliver or the default
 * @param nakDelay explicit delays before redelivery, empty for the consumer's backoff or the default
 * @param batchSize messages per pull
 * @param maxBatchSize how far the pull window may grow while handlers keep up: the batch size when it is set, more
 * when it is the default
 * @param maxBytes bytes per pull, 0 for no limit
 * @param expires how long a pull stays open
 * @param deadLetter whether failed messages are dead-lettered
 * @param deadLetterSubject the dead-letter subject
 * @param defaultDeadLetterSubject whether that subject is the default one, captured by the declared dead-letter stream
 * @param nonRetryable exception types dead-lettered on the first delivery
 * @param dedupe de-duplication mode
 * @param sendTo subject for the method's results, or {@code null}
 * @param method the method
 * @param autoStartup whether to start with the application
 * @param support shared infrastructure
 */
public record JetStreamListenerEndpoint(String id, String stream, String consumer, boolean ordered, int concurrency,
		AckMode ackMode, ConsumerDeclaration declaration, Integer maxDeliver, List<Duration> nakDelay, int batchSize,
		int maxBatchSize, long maxBytes, Duration expires, boolean deadLetter, String deadLetterSubject,
		boolean defaultDeadLetterSubject, List<Class<? extends Throwable>> nonRetryable, DedupeMode dedupe,
		String sendTo, ListenerMethod method, boolean autoStartup, JetStreamListenerSupport support)
		implements NatsListenerEndpoint {

	/** Why the listener declares its consumer without a server-side delivery limit, for reconcile reports. */
	static final String MAX_DELIVER_REASON = "@JetStreamListener counts deliveries itself so that a message whose "
			+ "dead letter could not be stored comes again; declare max-deliver for this consumer to keep a "
			+ "server-side limit";

	public JetStreamListenerEndpoint {
		nakDelay = List.copyOf(nakDelay);
		nonRetryable = List.copyOf(nonRetryable);
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public String describe() {
		return "@JetStreamListener(stream=" + this.stream
				+ (this.ordered ? ", ordered" : ", consumer=" + this.consumer) + ") " + this.method.getDescription();
	}

	@Override
	public ListenerContainer createContainer(ListenerContext context) {
		return this.ordered ? new OrderedConsumerContainer(this, context) : new PullConsumerContainer(this, context);
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * The name the consumer is known by in logs, health, metrics and dead letters.
	 * @return the durable name, or the listener id for ordered consumers
	 */
	String consumerLabel() {
		return this.ordered ? this.id : this.consumer;
	}

	/**
	 * Reasons for the reconcile report, by property: why a setting of the consumer is what the listener declares.
	 * @return the reasons, possibly empty
	 */
	Map<String, String> reconcileReasons() {
		Long maxDeliver = this.declaration.maxDeliver();
		return (maxDeliver != null && maxDeliver == -1) ? Map.of("max-deliver", MAX_DELIVER_REASON) : Map.of();
	}

}
