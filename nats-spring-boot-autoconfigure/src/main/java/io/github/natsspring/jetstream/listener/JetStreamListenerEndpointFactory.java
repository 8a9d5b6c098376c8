package io.github.natsspring.jetstream.listener;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.nats.client.api.AckPolicy;
import io.nats.client.api.DeliverPolicy;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.core.NatsInvalidSubjectException;
import io.github.natsspring.core.Subjects;
import io.github.natsspring.jetstream.reconcile.ConsumerDeclaration;
import io.github.natsspring.jetstream.reconcile.Declared;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMethod;
import io.github.natsspring.listener.NatsListenerEndpoint;
import io.github.natsspring.listener.NatsListenerEndpointFactory;
import io.github.natsspring.listener.ProvidedArgumentResolver;

/**
 * Turns {@link JetStreamListener @JetStreamListener} methods into endpoints: resolves placeholders, checks every
 * attribute and the method's signature (failing startup with a message naming the method), and works out what the
 * annotation declares about the consumer. No I/O: the consumer is ensured when the container starts.
 */
public class JetStreamListenerEndpointFactory implements NatsListenerEndpointFactory<JetStreamListener> {

	private final JetStreamListenerSupport support;

	public JetStreamListenerEndpointFactory(JetStreamListenerSupport support) {
		this.support = support;
	}

	@Override
	public Class<JetStreamListener> getAnnotationType() {
		return JetStreamListener.class;
	}

	@Override
	public NatsListenerEndpoint createEndpoint(Object bean, String beanName, Method method,
			JetStreamListener annotation, ListenerContext context) {
		String where = "@JetStreamListener on " + ListenerContext.describe(method);
		Attributes attributes = new Attributes(context, where);
		JetStreamListenerDefaults defaults = this.support.getDefaults();
		String stream = attributes.text(annotation.stream(), "stream");
		if (stream == null) {
			throw new IllegalStateException(where + ": stream is required");
		}
		checkName(stream, where, "stream");
		boolean ordered = attributes.bool(annotation.ordered(), false, "ordered");
		String consumer = attributes.text(annotation.consumer(), "consumer");
		if (ordered && consumer != null) {
			throw new IllegalStateException(where + ": an ordered listener uses an ephemeral consumer; remove "
					+ "consumer = \"" + consumer + "\" or ordered = \"true\"");
		}
		if (!ordered && consumer == null) {
			throw new IllegalStateException(where + ": consumer (the durable name) is required, or set "
					+ "ordered = \"true\" to replay the stream with an ordered consumer");
		}
		if (consumer != null) {
			checkName(consumer, where, "consumer");
		}
		int concurrency = context.resolveInt(annotation.concurrency(), 1, where + ": concurrency");
		if (concurrency < 1) {
			throw new IllegalStateException(where + ": concurrency must be at least 1, was " + concurrency);
		}
		if (ordered && concurrency != 1) {
			throw new IllegalStateException(where + ": an ordered listener handles one message at a time; remove "
					+ "concurrency = \"" + concurrency + "\"");
		}
		AckMode ackMode = attributes.parse(annotation.ackMode(), AckMode::parse, AckMode.AUTO, "ackMode");
		if (ordered && ackMode == AckMode.MANUAL) {
			throw new IllegalStateException(where + ": an ordered consumer has nothing to acknowledge; remove "
					+ "ackMode = \"manual\"");
		}
		DedupeMode dedupe = attributes.parse(annotation.dedupe(), DedupeMode::parse, DedupeMode.NONE, "dedupe");
		if (ordered && dedupe != DedupeMode.NONE) {
			throw new IllegalStateException(where + ": de-duplication needs a durable consumer; remove dedupe or "
					+ "ordered");
		}
		List<String> filterSubjects = attributes.list(annotation.filterSubjects());
		for (String filter : filterSubjects) {
			try {
				Subjects.validateSubscribeSubject(filter);
			}
			catch (NatsInvalidSubjectException ex) {
				throw new IllegalStateException(where + ": filterSubjects: " + ex.getMessage(), ex);
			}
		}
		DeliverPolicy deliverPolicy = attributes.parse(annotation.deliverPolicy(),
				JetStreamListenerEndpointFactory::deliverPolicy, null, "deliverPolicy");
		Long startSequence = attributes.parse(annotation.startSequence(), Long::valueOf, null, "startSequence");
		OffsetDateTime startTime = attributes.parse(annotation.startTime(), OffsetDateTime::parse, null, "startTime");
		if (startSequence != null && deliverPolicy == null) {
			deliverPolicy = DeliverPolicy.ByStartSequence;
		}
		if (startTime != null && deliverPolicy == null) {
			deliverPolicy = DeliverPolicy.ByStartTime;
		}
		Duration ackWait = attributes.duration(annotation.ackWait(), "ackWait");
		Integer maxDeliver = attributes.parse(annotation.maxDeliver(), Integer::valueOf, null, "maxDeliver");
		if (maxDeliver != null && maxDeliver < 1) {
			throw new IllegalStateException(where + ": maxDeliver must be at least 1, was " + maxDeliver);
		}
		List<Duration> backoff = attributes.durations(annotation.backoff(), "backoff");
		List<Duration> nakDelay = attributes.durations(annotation.nakDelay(), "nakDelay");
		Long maxAckPending = attributes.parse(annotation.maxAckPending(), Long::valueOf, null, "maxAckPending");
		int batchSize = attributes.parse(annotation.batchSize(), Integer::valueOf, defaults.batchSize(concurrency),
				"batchSize");
		if (batchSize < 1) {
			throw new IllegalStateException(where + ": batchSize must be at least 1, was " + batchSize);
		}
		// a batch size nobody set is a starting point: the window grows while handlers keep up (PullWindow)
		boolean batchSizeSet = attributes.text(annotation.batchSize(), "batchSize") != null || defaults.batchSize() > 0;
		int maxBatchSize = batchSizeSet ? batchSize : Math.max(batchSize, PullWindow.DEFAULT_MAX_BATCH);
		DataSize maxBytesSize = attributes.parse(annotation.maxBytes(), DataSize::parse, null, "maxBytes");
		long maxBytes = (maxBytesSize != null) ? maxBytesSize.toBytes() : defaults.maxBytes();
		Duration expires = Optional.ofNullable(attributes.duration(annotation.expires(), "expires"))
			.orElse(defaults.expires());
		if (expires.toMillis() < 1000) {
			throw new IllegalStateException(where + ": expires must be at least 1s, was " + expires);
		}
		if (ordered && (ackWait != null || maxAckPending != null || !backoff.isEmpty())) {
			throw new IllegalStateException(where + ": ackWait, backoff and maxAckPending apply to durable "
					+ "consumers, not to an ordered one");
		}
		boolean deadLetter = attributes.bool(annotation.deadLetter(), defaults.deadLetterEnabled(), "deadLetter");
		String deadLetterSubject = attributes.text(annotation.deadLetterSubject(), "deadLetterSubject");
		boolean defaultDeadLetterSubject = deadLetterSubject == null;
		if (defaultDeadLetterSubject) {
			deadLetterSubject = DeadLetter.defaultSubject(defaults.deadLetterSubjectPrefix(), stream,
					ordered ? attributes.idOrDefault(annotation.id(), beanName, method) : consumer);
		}
		checkPublishSubject(deadLetterSubject, where, "deadLetterSubject");
		String sendTo = attributes.text(annotation.sendTo(), "sendTo");
		if (sendTo != null) {
			checkPublishSubject(sendTo, where, "sendTo");
		}
		String id = attributes.idOrDefault(annotation.id(), beanName, method);
		boolean autoStartup = attributes.bool(annotation.autoStartup(), true, "autoStartup");

		List<ProvidedArgumentResolver> resolvers = new ArrayList<>();
		resolvers.add(new MetadataArgumentResolver());
		if (ackMode == AckMode.MANUAL) {
			resolvers.add(new AcknowledgmentArgumentResolver());
		}
		checkAcknowledgmentParameter(method, ackMode, where);
		ListenerMethod listenerMethod = context.createListenerMethod(bean, method, "@JetStreamListener", resolvers);
		if (ackMode == AckMode.MANUAL && !hasParameter(method, Acknowledgment.class)
				&& !hasParameter(method, io.nats.client.Message.class)) {
			throw new IllegalStateException(where + ": ackMode = \"manual\" but the method cannot acknowledge: add an "
					+ Acknowledgment.class.getName() + " parameter");
		}
		if (sendTo != null && !listenerMethod.returnsValue()) {
			throw new IllegalStateException(where + ": sendTo = \"" + sendTo + "\" but the method returns nothing");
		}

		ConsumerDeclaration.Builder declaration = ConsumerDeclaration.builder(consumer);
		if (!filterSubjects.isEmpty()) {
			declaration.filterSubjects(filterSubjects.toArray(String[]::new));
		}
		if (deliverPolicy != null) {
			declaration.deliverPolicy(deliverPolicy);
		}
		if (startSequence != null) {
			declaration.startSequence(startSequence);
		}
		if (startTime != null) {
			declaration.startTime(startTime);
		}
		if (!ordered) {
			Optional<ConsumerDeclaration> configured = configured(stream, consumer);
			if (ackWait != null) {
				declaration.ackWait(ackWait);
			}
			if (!backoff.isEmpty()) {
				declaration.backoff(backoff.toArray(Duration[]::new));
			}
			if (maxAckPending != null) {
				declaration.maxAckPending(maxAckPending);
			}
			// our defaults, for what nobody declared: explicit acks, and no server-side delivery limit (the listener
			// bounds deliveries itself, so that a message whose dead letter could not be stored comes again)
			if (configured.map(ConsumerDeclaration::ackPolicy).isEmpty()) {
				declaration.ackPolicy(AckPolicy.Explicit);
			}
			if (configured.map(ConsumerDeclaration::maxDeliver).isEmpty()) {
				declaration.maxDeliver(-1);
			}
			Long configuredMaxDeliver = configured.map(ConsumerDeclaration::maxDeliver).orElse(null);
			if (maxDeliver != null && configuredMaxDeliver != null && configuredMaxDeliver > 0
					&& maxDeliver > configuredMaxDeliver) {
				throw new IllegalStateException(where + ": maxDeliver " + maxDeliver + " is more than the max-deliver "
						+ configuredMaxDeliver + " declared for consumer " + stream + "/" + consumer);
			}
		}
		return new JetStreamListenerEndpoint(id, stream, consumer, ordered, concurrency, ackMode, declaration.build(),
				maxDeliver, nakDelay, batchSize, maxBatchSize, maxBytes, expires, deadLetter, deadLetterSubject,
				defaultDeadLetterSubject, Arrays.asList(annotation.nonRetryable()), dedupe, sendTo, listenerMethod,
				autoStartup, this.support);
	}

	private Optional<ConsumerDeclaration> configured(String stream, String consumer) {
		if (this.support.getReconciler() == null) {
			return Optional.empty();
		}
		return this.support.getReconciler().getTopology().getConsumer(stream, consumer).map(Declared::declaration);
	}

	private static void checkAcknowledgmentParameter(Method method, AckMode ackMode, String where) {
		if (ackMode != AckMode.MANUAL && hasParameter(method, Acknowledgment.class)) {
			throw new IllegalStateException(where + ": an " + Acknowledgment.class.getSimpleName()
					+ " parameter needs ackMode = \"manual\"; in the default auto mode the listener acknowledges");
		}
	}

	private static boolean hasParameter(Method method, Class<?> type) {
		return Arrays.stream(method.getParameterTypes()).anyMatch(type::isAssignableFrom);
	}

	private static void checkName(String name, String where, String attribute) {
		for (char c : name.toCharArray()) {
			if (Character.isWhitespace(c) || c == '.' || c == '*' || c == '>' || c == '/' || c == '\\') {
				throw new IllegalStateException(where + ": " + attribute + " '" + name
						+ "' is not a valid name (no whitespace, '.', '*', '>', '/' or '\\')");
			}
		}
	}

	private static void checkPublishSubject(String subject, String where, String attribute) {
		try {
			Subjects.validatePublishSubject(subject);
		}
		catch (NatsInvalidSubjectException ex) {
			throw new IllegalStateException(where + ": " + attribute + ": " + ex.getMessage(), ex);
		}
	}

	static DeliverPolicy deliverPolicy(String text) {
		String normalized = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
		DeliverPolicy policy = DeliverPolicy.get(normalized);
		if (policy == null) {
			throw new IllegalArgumentException("deliverPolicy must be all, last, new, last-per-subject, "
					+ "by-start-sequence or by-start-time, got '" + text + "'");
		}
		return policy;
	}

	/**
	 * Resolves attributes with placeholders and turns parse errors into messages naming the method and attribute.
	 */
	private static final class Attributes {

		private final ListenerContext context;

		private final String where;

		Attributes(ListenerContext context, String where) {
			this.context = context;
			this.where = where;
		}

		String text(String value, String attribute) {
			String resolved = this.context.resolve(value);
			return StringUtils.hasText(resolved) ? resolved.trim() : null;
		}

		List<String> list(String[] values) {
			List<String> result = new ArrayList<>();
			for (String value : values) {
				String resolved = this.context.resolve(value);
				if (resolved != null) {
					for (String part : StringUtils.commaDelimitedListToStringArray(resolved)) {
						if (StringUtils.hasText(part)) {
							result.add(part.trim());
						}
					}
				}
			}
			return result;
		}

		<T> T parse(String value, Parser<T> parser, T defaultValue, String attribute) {
			String resolved = this.context.resolve(value);
			if (!StringUtils.hasText(resolved)) {
				return defaultValue;
			}
			try {
				return parser.parse(resolved.trim());
			}
			catch (IllegalArgumentException | DateTimeParseException ex) {
				throw new IllegalStateException(this.where + ": " + attribute + ": cannot read '" + resolved + "': "
						+ ex.getMessage(), ex);
			}
		}

		boolean bool(String value, boolean defaultValue, String attribute) {
			return parse(value, (text) -> switch (text.toLowerCase(Locale.ROOT)) {
				case "true" -> true;
				case "false" -> false;
				default -> throw new IllegalArgumentException("must be true or false");
			}, defaultValue, attribute);
		}

		Duration duration(String value, String attribute) {
			Duration duration = parse(value, DurationStyle::detectAndParse, null, attribute);
			if (duration != null && (duration.isNegative() || duration.isZero())) {
				throw new IllegalStateException(this.where + ": " + attribute + " must be positive, was " + duration);
			}
			return duration;
		}

		List<Duration> durations(String[] values, String attribute) {
			List<Duration> durations = new ArrayList<>();
			for (String text : list(values)) {
				Duration duration;
				try {
					duration = DurationStyle.detectAndParse(text);
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalStateException(this.where + ": " + attribute + ": cannot read '" + text + "' as "
							+ "a duration (for example 500ms, 5s, 1m)", ex);
				}
				if (duration.isNegative() || duration.isZero()) {
					throw new IllegalStateException(this.where + ": " + attribute + " must be positive, was " + text);
				}
				durations.add(duration);
			}
			return durations;
		}

		String idOrDefault(String value, String beanName, Method method) {
			String id = text(value, "id");
			return (id != null) ? id : beanName + "." + method.getName();
		}

	}

	@FunctionalInterface
	private interface Parser<T> {

		T parse(String text);

	}

	/** Resolves {@link JetStreamMetadata} parameters. */
	static final class MetadataArgumentResolver implements ProvidedArgumentResolver {

		@Override
		public Class<?> getProvidedType() {
			return JetStreamMetadata.class;
		}

		@Override
		public String attributeName() {
			return JetStreamContainer.METADATA;
		}

		@Override
		public Object resolveArgument(MethodParameter parameter, Message<?> message) {
			return message.getHeaders().get(JetStreamContainer.METADATA);
		}

	}

	/** Resolves {@link Acknowledgment} parameters in manual ack mode. */
	static final class AcknowledgmentArgumentResolver implements ProvidedArgumentResolver {

		@Override
		public Class<?> getProvidedType() {
			return Acknowledgment.class;
		}

		@Override
		public String attributeName() {
			return JetStreamContainer.ACKNOWLEDGMENT;
		}

		@Override
		public Object resolveArgument(MethodParameter parameter, Message<?> message) {
			return message.getHeaders().get(JetStreamContainer.ACKNOWLEDGMENT);
		}

	}

}
