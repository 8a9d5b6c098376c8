package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.nats.client.api.ConsumerConfiguration;

/**
 * The consumer settings the reconciler manages, with what the servers we measured allow to change (DESIGN.md §4).
 */
final class ConsumerFields {

	private static final String V2_10 = "2.10.0";

	private static final String V2_11 = "2.11.0";

	static final List<FieldSpec<ConsumerDeclaration, ConsumerConfiguration, ConsumerConfiguration.Builder>> ALL = List
		.of(field("description", (d) -> Values.text(d.description()), (c) -> Values.text(c.getDescription()),
				(b, d) -> b.description(d.description())),
				field("filter-subjects", ConsumerDeclaration::filterSubjects, ConsumerFields::filterSubjects,
						(b, d) -> b.filterSubjects(d.filterSubjects()))
					.sameWhen(Values::sameElements)
					.since((value) -> (value instanceof List<?> list && list.size() > 1) ? V2_10 : null),
				field("deliver-policy", ConsumerDeclaration::deliverPolicy, ConsumerConfiguration::getDeliverPolicy,
						(b, d) -> b.deliverPolicy(d.deliverPolicy()))
					.rule(ChangeRule.immutable("a consumer's deliver policy never changes")),
				field("start-sequence", ConsumerDeclaration::startSequence, ConsumerConfiguration::getStartSequence,
						(b, d) -> b.startSequence(d.startSequence()))
					.rule(ChangeRule.immutable("a consumer's start sequence never changes")),
				field("start-time", (d) -> Values.instant(d.startTime()), (c) -> Values.instant(c.getStartTime()),
						(b, d) -> b.startTime(d.startTime().atZoneSameInstant(ZoneOffset.UTC)))
					.rule(ChangeRule.immutable("a consumer's start time never changes")),
				field("ack-policy", ConsumerDeclaration::ackPolicy, ConsumerConfiguration::getAckPolicy,
						(b, d) -> b.ackPolicy(d.ackPolicy()))
					.rule(ChangeRule.immutable("a consumer's ack policy never changes")),
				field("ack-wait", ConsumerFields::effectiveAckWait, (c) -> Values.duration(c.getAckWait()),
						(b, d) -> b.ackWait(d.ackWait())),
				field("max-deliver", ConsumerDeclaration::maxDeliver, ConsumerConfiguration::getMaxDeliver,
						(b, d) -> b.maxDeliver(d.maxDeliver())),
				field("backoff", ConsumerDeclaration::backoff, ConsumerConfiguration::getBackoff,
						(b, d) -> b.backoff(d.backoff().toArray(new Duration[0]))),
				field("max-ack-pending", ConsumerDeclaration::maxAckPending, ConsumerConfiguration::getMaxAckPending,
						(b, d) -> b.maxAckPending(d.maxAckPending())),
				field("max-waiting", ConsumerDeclaration::maxWaiting, ConsumerConfiguration::getMaxPullWaiting,
						(b, d) -> b.maxPullWaiting(d.maxWaiting()))
					.rule(ChangeRule.immutable("a consumer's max-waiting never changes")),
				field("inactive-threshold", ConsumerDeclaration::inactiveThreshold,
						(c) -> Values.duration(c.getInactiveThreshold()),
						(b, d) -> b.inactiveThreshold(d.inactiveThreshold())),
				field("replicas", (d) -> Values.longValue(d.replicas()), (c) -> (long) c.getNumReplicas(),
						(b, d) -> b.numReplicas(d.replicas())),
				field("headers-only", ConsumerDeclaration::headersOnly, ConsumerConfiguration::isHeadersOnly,
						(b, d) -> b.headersOnly(d.headersOnly())),
				field("metadata", (d) -> (d.metadata() != null) ? Values.userMetadata(d.metadata()) : null,
						(c) -> Values.userMetadata(c.getMetadata()), (b, d) -> b.metadata(d.metadata()))
					.compareWithin(Values::declaredKeys)
					.updateWith((b, d, c) -> b.metadata(Values.mergedMetadata(c.getMetadata(), d.metadata())))
					.since((value) -> (value instanceof Map<?, ?> map && !map.isEmpty()) ? V2_10 : null),
				field("replay-policy", ConsumerDeclaration::replayPolicy, ConsumerConfiguration::getReplayPolicy,
						(b, d) -> b.replayPolicy(d.replayPolicy()))
					.rule(ChangeRule.immutable("a consumer's replay policy never changes")),
				field("max-batch", ConsumerDeclaration::maxBatch, ConsumerConfiguration::getMaxBatch,
						(b, d) -> b.maxBatch(d.maxBatch())),
				field("max-expires", ConsumerDeclaration::maxExpires, (c) -> Values.duration(c.getMaxExpires()),
						(b, d) -> b.maxExpires(d.maxExpires())),
				field("max-bytes", (d) -> Values.bytes(d.maxBytes()), ConsumerConfiguration::getMaxBytes,
						(b, d) -> b.maxBytes(d.maxBytes().toBytes()))
					.format(Values::formatBytes),
				field("memory-storage", ConsumerDeclaration::memoryStorage, ConsumerConfiguration::isMemStorage,
						(b, d) -> b.memStorage(d.memoryStorage()))
					.rule(ConsumerFields::memoryStorageChange),
				field("priority-groups", ConsumerDeclaration::priorityGroups, ConsumerFields::priorityGroups,
						(b, d) -> b.priorityGroups(d.priorityGroups()))
					.since((value) -> (value instanceof List<?> list && !list.isEmpty()) ? V2_11 : null),
				field("priority-policy", ConsumerDeclaration::priorityPolicy, ConsumerConfiguration::getPriorityPolicy,
						(b, d) -> b.priorityPolicy(d.priorityPolicy()))
					.since(V2_11));

	private ConsumerFields() {
	}

	private static FieldSpec<ConsumerDeclaration, ConsumerConfiguration, ConsumerConfiguration.Builder> field(
			String property, Function<ConsumerDeclaration, Object> declared,
			Function<ConsumerConfiguration, Object> actual,
			BiConsumer<ConsumerConfiguration.Builder, ConsumerDeclaration> writer) {
		return FieldSpec.of(property, declared, actual, writer);
	}

	/**
	 * With backoff steps the server uses the first step as ack wait, whatever ack-wait says.
	 */
	static Object effectiveAckWait(ConsumerDeclaration declaration) {
		List<Duration> backoff = declaration.backoff();
		if (declaration.ackWait() != null && backoff != null && !backoff.isEmpty()) {
			return backoff.get(0);
		}
		return declaration.ackWait();
	}

	private static Object filterSubjects(ConsumerConfiguration configuration) {
		return (configuration.getFilterSubjects() != null) ? configuration.getFilterSubjects() : List.of();
	}

	private static Object priorityGroups(ConsumerConfiguration configuration) {
		return (configuration.getPriorityGroups() != null) ? configuration.getPriorityGroups() : List.of();
	}

	/**
	 * Measured: nats-server 2.10 moves consumer state between memory and file, 2.15 refuses (10012).
	 */
	private static ChangeRule.Verdict memoryStorageChange(Object declared, Object actual, ConnectedServer server) {
		return server.isAtLeast("2.11.0") ? ChangeRule.Verdict.immutable("a consumer's storage never changes")
				: ChangeRule.Verdict.EDITABLE;
	}

}
