package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.List;

import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;

import org.springframework.util.unit.DataSize;

import io.github.natsspring.core.NatsInvalidSubjectException;
import io.github.natsspring.core.Subjects;

/**
 * Checks declarations before anything is sent, so that a mistake fails startup with the property and the fix instead
 * of a server error (or worse, a server that silently accepts a consumer filter that never matches).
 */
final class DeclarationValidator {

	private DeclarationValidator() {
	}

	static void validateStream(Declared<StreamDeclaration> declared) {
		StreamDeclaration stream = declared.declaration();
		DeclarationOrigin origin = declared.origin();
		checkName(Names.streamNameProblem(declared.name()), origin, stream.name() != null,
				"Use a name without whitespace, '.', '*', '>', '/' or '\\', for example ORDERS or BILLING_EVENTS.");
		boolean copies = stream.mirror() != null || (stream.sources() != null && !stream.sources().isEmpty());
		List<String> subjects = (stream.subjects() != null) ? stream.subjects() : List.of();
		if (subjects.isEmpty() && !copies) {
			throw new InvalidDeclarationException(origin.describe("subjects"),
					"stream '" + declared.name() + "' declares no subjects, so it would capture no messages",
					"Add the subjects it stores, for example " + origin.describe("subjects") + "=orders.>, "
							+ "or declare a mirror or sources.");
		}
		if (stream.mirror() != null && !subjects.isEmpty()) {
			throw new InvalidDeclarationException(origin.describe("subjects"),
					"a mirror stream cannot have subjects of its own",
					"Remove the subjects, or declare sources instead of a mirror.");
		}
		for (int i = 0; i < subjects.size(); i++) {
			checkSubject(subjects.get(i), origin.describe("subjects[" + i + "]"));
			for (int j = 0; j < i; j++) {
				if (Subjects.overlap(subjects.get(i), subjects.get(j))) {
					throw new InvalidDeclarationException(origin.describe("subjects"),
							"subjects '" + subjects.get(j) + "' and '" + subjects.get(i) + "' overlap",
							"Keep only the wider one (for example orders.> instead of orders.> and orders.created).");
				}
			}
		}
		checkSize(stream.maxBytes(), origin, "max-bytes");
		checkSize(stream.maxMsgSize(), origin, "max-msg-size");
		checkLimit(stream.maxMsgs(), origin, "max-msgs");
		checkLimit(stream.maxMsgsPerSubject(), origin, "max-msgs-per-subject");
		checkLimit(stream.maxConsumers(), origin, "max-consumers");
		checkReplicas(stream.replicas(), 1, origin);
		checkNotNegative(stream.maxAge(), origin, "max-age");
		checkPositive(stream.duplicateWindow(), origin, "duplicate-window");
		checkNotNegative(stream.subjectDeleteMarkerTtl(), origin, "subject-delete-marker-ttl");
		if (stream.duplicateWindow() != null && stream.maxAge() != null && !stream.maxAge().isZero()
				&& stream.duplicateWindow().compareTo(stream.maxAge()) > 0) {
			throw new InvalidDeclarationException(origin.describe("duplicate-window"),
					"the duplicate window (" + stream.duplicateWindow() + ") is longer than max-age (" + stream.maxAge()
							+ "); the server refuses this",
					"Make duplicate-window at most max-age.");
		}
		if (stream.firstSequence() != null && stream.firstSequence() < 1) {
			throw new InvalidDeclarationException(origin.describe("first-sequence"), "must be 1 or more",
					"Set first-sequence to 1 or more, or remove it.");
		}
		if (Boolean.TRUE.equals(stream.discardNewPerSubject()) && stream.discard() != null
				&& stream.discard() != DiscardPolicy.New) {
			throw new InvalidDeclarationException(origin.describe("discard-new-per-subject"),
					"discard-new-per-subject needs discard: new", "Set discard to new, or remove discard-new-per-subject.");
		}
		if (stream.subjectTransform() != null) {
			SubjectTransformDeclaration transform = stream.subjectTransform();
			if (transform.source() != null) {
				checkSubject(transform.source(), origin.describe("subject-transform.source"));
			}
			checkNotBlank(transform.destination(), origin.describe("subject-transform.destination"));
		}
		if (stream.republish() != null) {
			checkSubject(stream.republish().source(), origin.describe("republish.source"));
			checkNotBlank(stream.republish().destination(), origin.describe("republish.destination"));
		}
		if (stream.mirror() != null) {
			checkSource(stream.mirror(), origin, "mirror");
		}
		if (stream.sources() != null) {
			for (int i = 0; i < stream.sources().size(); i++) {
				checkSource(stream.sources().get(i), origin, "sources[" + i + "]");
			}
		}
		checkMetadata(stream.metadata(), origin);
	}

	static void validateConsumer(Declared<ConsumerDeclaration> declared, StreamDeclaration stream) {
		ConsumerDeclaration consumer = declared.declaration();
		DeclarationOrigin origin = declared.origin();
		checkName(Names.streamNameProblem(declared.name()), origin, consumer.name() != null,
				"Use a durable name without whitespace, '.', '*', '>', '/' or '\\', for example order-worker.");
		List<String> filters = (consumer.filterSubjects() != null) ? consumer.filterSubjects() : List.of();
		List<String> streamSubjects = (stream != null && stream.subjects() != null) ? stream.subjects() : List.of();
		for (int i = 0; i < filters.size(); i++) {
			String filter = filters.get(i);
			String property = origin.describe("filter-subjects[" + i + "]");
			checkSubject(filter, property);
			if (!streamSubjects.isEmpty() && streamSubjects.stream().noneMatch((s) -> Subjects.overlap(s, filter))) {
				throw new InvalidDeclarationException(property,
						"filter subject '" + filter + "' matches none of the stream's subjects " + streamSubjects
								+ "; the consumer would never receive a message",
						"Use a subject within the stream's subjects, or add it to the stream.");
			}
		}
		DeliverPolicy policy = consumer.deliverPolicy();
		if (policy == DeliverPolicy.ByStartSequence && consumer.startSequence() == null) {
			throw new InvalidDeclarationException(origin.describe("start-sequence"),
					"deliver-policy by-start-sequence needs a start-sequence", "Set start-sequence (1 or more).");
		}
		if (policy == DeliverPolicy.ByStartTime && consumer.startTime() == null) {
			throw new InvalidDeclarationException(origin.describe("start-time"),
					"deliver-policy by-start-time needs a start-time",
					"Set start-time, for example 2024-01-01T00:00:00Z.");
		}
		if (consumer.startSequence() != null && policy != DeliverPolicy.ByStartSequence) {
			throw new InvalidDeclarationException(origin.describe("start-sequence"),
					"start-sequence applies only to deliver-policy by-start-sequence",
					"Set deliver-policy to by-start-sequence, or remove start-sequence.");
		}
		if (consumer.startSequence() != null && consumer.startSequence() < 1) {
			throw new InvalidDeclarationException(origin.describe("start-sequence"), "must be 1 or more",
					"Set start-sequence to 1 or more.");
		}
		if (consumer.startTime() != null && policy != DeliverPolicy.ByStartTime) {
			throw new InvalidDeclarationException(origin.describe("start-time"),
					"start-time applies only to deliver-policy by-start-time",
					"Set deliver-policy to by-start-time, or remove start-time.");
		}
		checkLimit(consumer.maxDeliver(), origin, "max-deliver");
		checkLimit(consumer.maxAckPending(), origin, "max-ack-pending");
		checkCount(consumer.maxWaiting(), origin, "max-waiting");
		checkCount(consumer.maxBatch(), origin, "max-batch");
		checkSize(consumer.maxBytes(), origin, "max-bytes");
		checkPositive(consumer.ackWait(), origin, "ack-wait");
		checkPositive(consumer.maxExpires(), origin, "max-expires");
		checkNotNegative(consumer.inactiveThreshold(), origin, "inactive-threshold");
		checkReplicas(consumer.replicas(), 0, origin);
		List<Duration> backoff = consumer.backoff();
		if (backoff != null) {
			for (int i = 0; i < backoff.size(); i++) {
				checkPositive(backoff.get(i), origin, "backoff[" + i + "]");
			}
			Long maxDeliver = consumer.maxDeliver();
			if (maxDeliver != null && maxDeliver > 0 && backoff.size() >= maxDeliver) {
				throw new InvalidDeclarationException(origin.describe("backoff"),
						"backoff has " + backoff.size() + " steps, but max-deliver " + maxDeliver + " allows only "
								+ (maxDeliver - 1) + " redeliveries; the server requires max-deliver to be greater "
								+ "than the number of backoff steps",
						"Set max-deliver to at least " + (backoff.size() + 1) + ", or remove backoff steps.");
			}
		}
		checkMetadata(consumer.metadata(), origin);
	}

	/**
	 * Declarations the server accepts but that do not do what they say; they are logged as warnings, not failures,
	 * because the server behaves predictably and applications declaring them work as they did.
	 * @param declared the consumer
	 * @return one message per problem, naming the properties and the fix
	 */
	static List<String> warnings(Declared<ConsumerDeclaration> declared) {
		ConsumerDeclaration consumer = declared.declaration();
		DeclarationOrigin origin = declared.origin();
		List<Duration> backoff = consumer.backoff();
		Duration ackWait = consumer.ackWait();
		if (ackWait == null || backoff == null || backoff.isEmpty() || ackWait.equals(backoff.get(0))) {
			return List.of();
		}
		String declaredAckWait = Values.formatDuration(ackWait);
		String firstStep = Values.formatDuration(backoff.get(0));
		return List.of("JetStream declaration '" + origin.describe("ack-wait") + "' (" + declaredAckWait
				+ ") has no effect: with '" + origin.describe("backoff") + "' (" + Values.format(backoff)
				+ ") declared, the server uses the first backoff step, " + firstStep + ", as the ack wait, so a "
				+ "message not acknowledged within " + firstStep + " is delivered again. Remove ack-wait (or set it to "
				+ firstStep + "); if processing a message may take up to " + declaredAckWait
				+ ", start backoff with " + declaredAckWait + " instead.");
	}

	static void validateKeyValue(Declared<KeyValueDeclaration> declared) {
		KeyValueDeclaration bucket = declared.declaration();
		DeclarationOrigin origin = declared.origin();
		checkName(Names.bucketNameProblem(declared.name()), origin, bucket.name() != null,
				"Use only letters, digits, '-' and '_', for example CONFIG or feature-flags.");
		if (bucket.history() != null && (bucket.history() < 1 || bucket.history() > 64)) {
			throw new InvalidDeclarationException(origin.describe("history"),
					"history " + bucket.history() + " is out of range; NATS keeps 1 to 64 values per key",
					"Set history between 1 and 64.");
		}
		checkNotNegative(bucket.ttl(), origin, "ttl");
		if (bucket.limitMarkerTtl() != null && bucket.limitMarkerTtl().compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidDeclarationException(origin.describe("limit-marker-ttl"),
					"limit-marker-ttl " + bucket.limitMarkerTtl() + " is shorter than one second, the least NATS keeps"
							+ " a marker",
					"Set limit-marker-ttl to 1s or more.");
		}
		checkSize(bucket.maxBytes(), origin, "max-bytes");
		checkSize(bucket.maxValueSize(), origin, "max-value-size");
		checkReplicas(bucket.replicas(), 1, origin);
		checkMetadata(bucket.metadata(), origin);
	}

	static void validateObjectStore(Declared<ObjectStoreDeclaration> declared) {
		ObjectStoreDeclaration bucket = declared.declaration();
		DeclarationOrigin origin = declared.origin();
		checkName(Names.bucketNameProblem(declared.name()), origin, bucket.name() != null,
				"Use only letters, digits, '-' and '_', for example ARTIFACTS or build-outputs.");
		checkNotNegative(bucket.ttl(), origin, "ttl");
		checkSize(bucket.maxBytes(), origin, "max-bytes");
		checkReplicas(bucket.replicas(), 1, origin);
		checkMetadata(bucket.metadata(), origin);
	}

	/**
	 * Two declared streams may not capture the same subject: the server refuses the second one.
	 */
	static void checkNoOverlap(Declared<StreamDeclaration> a, Declared<StreamDeclaration> b) {
		List<String> first = (a.declaration().subjects() != null) ? a.declaration().subjects() : List.of();
		List<String> second = (b.declaration().subjects() != null) ? b.declaration().subjects() : List.of();
		for (String x : first) {
			for (String y : second) {
				if (Subjects.overlap(x, y)) {
					throw new InvalidDeclarationException(b.origin().describe("subjects"),
							"subject '" + y + "' of stream '" + b.name() + "' overlaps subject '" + x + "' of stream '"
									+ a.name() + "' (" + a.origin().describe("subjects")
									+ "); NATS refuses two streams that capture the same subject",
							"Make the subjects of '" + a.name() + "' and '" + b.name() + "' disjoint, for example "
									+ "orders.> and payments.>.");
				}
			}
		}
	}

	private static void checkName(String problem, DeclarationOrigin origin, boolean explicit, String action) {
		if (problem != null) {
			throw new InvalidDeclarationException(explicit ? origin.describe("name") : origin.toString(),
					problem + "; NATS would refuse it", action);
		}
	}

	private static void checkSubject(String subject, String property) {
		try {
			Subjects.validateSubscribeSubject(subject);
		}
		catch (NatsInvalidSubjectException ex) {
			throw new InvalidDeclarationException(property, ex.getMessage(),
					"Write the subject as dot-separated tokens, with '*' for one token and '>' only as the last token, "
							+ "for example orders.* or orders.>.");
		}
	}

	private static void checkNotBlank(String value, String property) {
		if (value == null || value.isBlank()) {
			throw new InvalidDeclarationException(property, "must not be empty", "Set " + property + ".");
		}
	}

	private static void checkSource(SourceDeclaration source, DeclarationOrigin origin, String property) {
		String problem = Names.streamNameProblem(source.name());
		if (problem != null) {
			throw new InvalidDeclarationException(origin.describe(property + ".name"), problem,
					"Name the stream to copy from.");
		}
		if (source.filterSubject() != null) {
			checkSubject(source.filterSubject(), origin.describe(property + ".filter-subject"));
		}
		if (source.startSequence() != null && source.startSequence() < 1) {
			throw new InvalidDeclarationException(origin.describe(property + ".start-sequence"), "must be 1 or more",
					"Set start-sequence to 1 or more, or remove it.");
		}
	}

	private static void checkSize(DataSize size, DeclarationOrigin origin, String property) {
		if (size != null && size.toBytes() < 1 && size.toBytes() != -1) {
			throw new InvalidDeclarationException(origin.describe(property), "size " + size + " is not allowed",
					"Use a positive size such as 1GB, or -1B for no limit.");
		}
	}

	private static void checkLimit(Long limit, DeclarationOrigin origin, String property) {
		if (limit != null && limit < 1 && limit != -1) {
			throw new InvalidDeclarationException(origin.describe(property), "limit " + limit + " is not allowed",
					"Use a positive number, or -1 for no limit.");
		}
	}

	private static void checkCount(Long count, DeclarationOrigin origin, String property) {
		if (count != null && count < 1) {
			throw new InvalidDeclarationException(origin.describe(property), "must be 1 or more, not " + count,
					"Use a positive number, or remove it for the server's default.");
		}
	}

	private static void checkReplicas(Integer replicas, int min, DeclarationOrigin origin) {
		if (replicas != null && (replicas < min || replicas > 5)) {
			throw new InvalidDeclarationException(origin.describe("replicas"),
					"replicas " + replicas + " is out of range; NATS supports " + min + " to 5",
					"Set replicas between " + min + " and 5 (at most the cluster size).");
		}
	}

	private static void checkNotNegative(Duration duration, DeclarationOrigin origin, String property) {
		if (duration != null && duration.isNegative()) {
			throw new InvalidDeclarationException(origin.describe(property), "must not be negative",
					"Use a positive duration such as 24h, or 0 for none.");
		}
	}

	private static void checkPositive(Duration duration, DeclarationOrigin origin, String property) {
		if (duration != null && (duration.isNegative() || duration.isZero())) {
			throw new InvalidDeclarationException(origin.describe(property), "must be positive, not " + duration,
					"Use a positive duration such as 30s, or remove it for the server's default.");
		}
	}

	private static void checkMetadata(java.util.Map<String, String> metadata, DeclarationOrigin origin) {
		if (metadata == null) {
			return;
		}
		for (String key : metadata.keySet()) {
			if (key.startsWith("_nats.")) {
				throw new InvalidDeclarationException(origin.describe("metadata"),
						"metadata key '" + key + "' is reserved for the server",
						"Use a key that does not start with '_nats.'.");
			}
		}
	}

}
