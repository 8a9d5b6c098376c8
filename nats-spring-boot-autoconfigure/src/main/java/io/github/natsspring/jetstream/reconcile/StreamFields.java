package io.github.natsspring.jetstream.reconcile;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.nats.client.api.CompressionOption;
import io.nats.client.api.External;
import io.nats.client.api.Mirror;
import io.nats.client.api.Republish;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.Source;
import io.nats.client.api.SourceBase;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.SubjectTransform;

/**
 * The stream settings the reconciler manages, with what the servers we measured allow to change (DESIGN.md §4).
 */
final class StreamFields {

	private static final String V2_10 = "2.10.0";

	private static final String V2_11 = "2.11.0";

	private static final String V2_12 = "2.12.0";

	static final List<FieldSpec<StreamDeclaration, StreamConfiguration, StreamConfiguration.Builder>> ALL = List.of(
			field("subjects", StreamDeclaration::subjects, StreamConfiguration::getSubjects,
					(b, d) -> b.subjects(d.subjects()))
				.sameWhen(Values::sameElements),
			field("description", (d) -> Values.text(d.description()), (c) -> Values.text(c.getDescription()),
					(b, d) -> b.description(d.description())),
			field("storage", StreamDeclaration::storage, StreamConfiguration::getStorageType,
					(b, d) -> b.storageType(d.storage()))
				.rule(ChangeRule.immutable("a stream's storage type never changes")),
			field("retention", StreamDeclaration::retention, StreamConfiguration::getRetentionPolicy,
					(b, d) -> b.retentionPolicy(d.retention()))
				.rule(StreamFields::retentionChange),
			field("max-age", StreamDeclaration::maxAge, (c) -> Values.duration(c.getMaxAge()),
					(b, d) -> b.maxAge(d.maxAge())),
			field("max-bytes", (d) -> Values.bytes(d.maxBytes()), StreamConfiguration::getMaxBytes,
					(b, d) -> b.maxBytes(d.maxBytes().toBytes()))
				.format(Values::formatBytes),
			field("max-msgs", StreamDeclaration::maxMsgs, StreamConfiguration::getMaxMsgs,
					(b, d) -> b.maxMessages(d.maxMsgs())),
			field("max-msgs-per-subject", StreamDeclaration::maxMsgsPerSubject,
					StreamConfiguration::getMaxMsgsPerSubject, (b, d) -> b.maxMessagesPerSubject(d.maxMsgsPerSubject())),
			field("max-msg-size", (d) -> Values.bytes(d.maxMsgSize()), StreamConfiguration::getMaxMsgSize,
					(b, d) -> b.maximumMessageSize((int) d.maxMsgSize().toBytes()))
				.format(Values::formatBytes),
			field("max-consumers", StreamDeclaration::maxConsumers, StreamConfiguration::getMaxConsumers,
					(b, d) -> b.maxConsumers(d.maxConsumers()))
				.rule(ChangeRule.editableFrom("2.14.0")),
			field("replicas", StreamDeclaration::replicas, StreamConfiguration::getReplicas,
					(b, d) -> b.replicas(d.replicas())),
			PlacementField.of(StreamDeclaration::placement),
			field("discard", StreamDeclaration::discard, StreamConfiguration::getDiscardPolicy,
					(b, d) -> b.discardPolicy(d.discard())),
			field("discard-new-per-subject", StreamDeclaration::discardNewPerSubject,
					StreamConfiguration::isDiscardNewPerSubject, (b, d) -> b.discardNewPerSubject(d.discardNewPerSubject())),
			field("duplicate-window", StreamDeclaration::duplicateWindow,
					(c) -> Values.duration(c.getDuplicateWindow()), (b, d) -> b.duplicateWindow(d.duplicateWindow())),
			field("deny-delete", StreamDeclaration::denyDelete, StreamConfiguration::getDenyDelete,
					(b, d) -> b.denyDelete(d.denyDelete()))
				.rule(ChangeRule.cannotSwitchOff("deny-delete cannot be switched off once set")),
			field("deny-purge", StreamDeclaration::denyPurge, StreamConfiguration::getDenyPurge,
					(b, d) -> b.denyPurge(d.denyPurge()))
				.rule(ChangeRule.cannotSwitchOff("deny-purge cannot be switched off once set")),
			field("allow-rollup", StreamDeclaration::allowRollup, StreamConfiguration::getAllowRollup,
					(b, d) -> b.allowRollup(d.allowRollup())),
			field("allow-direct", StreamDeclaration::allowDirect, StreamConfiguration::getAllowDirect,
					(b, d) -> b.allowDirect(d.allowDirect())),
			field("compression", StreamDeclaration::compression, StreamFields::compression,
					(b, d) -> b.compressionOption(d.compression()))
				.since(V2_10),
			field("first-sequence", StreamDeclaration::firstSequence, StreamConfiguration::getFirstSequence,
					(b, d) -> b.firstSequence(d.firstSequence()))
				.since(V2_10),
			field("subject-transform", StreamDeclaration::subjectTransform, StreamFields::subjectTransform,
					(b, d) -> b.subjectTransform(new SubjectTransform(d.subjectTransform().source(),
							d.subjectTransform().destination())))
				.since(V2_10),
			field("republish", StreamFields::republish, StreamFields::republish,
					(b, d) -> b.republish(new Republish(d.republish().source(), d.republish().destination(),
							Boolean.TRUE.equals(d.republish().headersOnly())))),
			field("mirror", (d) -> SourceSpec.of(d.mirror()), (c) -> SourceSpec.of(c.getMirror()),
					(b, d) -> b.mirror(SourceSpec.of(d.mirror()).fill(Mirror.builder()).build()))
				.rule(ChangeRule.immutable("a stream's mirror never changes")),
			field("sources", StreamFields::sources, StreamFields::sources,
					(b, d) -> b.sources(d.sources()
						.stream()
						.map((source) -> SourceSpec.of(source).fill(Source.builder()).build())
						.toList()))
				.sameWhen(Values::sameElements),
			field("metadata", (d) -> (d.metadata() != null) ? Values.userMetadata(d.metadata()) : null,
					(c) -> Values.userMetadata(c.getMetadata()), (b, d) -> b.metadata(d.metadata()))
				.compareWithin(Values::declaredKeys)
				.updateWith((b, d, c) -> b.metadata(Values.mergedMetadata(c.getMetadata(), d.metadata())))
				.since((value) -> (value instanceof java.util.Map<?, ?> map && !map.isEmpty()) ? V2_10 : null),
			field("allow-msg-ttl", StreamDeclaration::allowMsgTtl, StreamConfiguration::getAllowMessageTtl,
					(b, d) -> b.allowMessageTtl(d.allowMsgTtl()))
				.since(V2_11)
				.rule(ChangeRule.cannotSwitchOff("per-message TTL cannot be switched off once allowed")),
			field("subject-delete-marker-ttl", StreamDeclaration::subjectDeleteMarkerTtl,
					(c) -> Values.duration(c.getSubjectDeleteMarkerTtl()),
					(b, d) -> b.subjectDeleteMarkerTtl(d.subjectDeleteMarkerTtl()))
				.since(V2_11),
			field("allow-msg-counter", StreamDeclaration::allowMsgCounter, StreamConfiguration::getAllowMessageCounter,
					(b, d) -> b.allowMessageCounter(d.allowMsgCounter()))
				.since(V2_12)
				.rule(ChangeRule.immutable("a stream is a counter stream or not from its creation")),
			field("allow-atomic-publish", StreamDeclaration::allowAtomicPublish,
					StreamConfiguration::getAllowAtomicPublish, (b, d) -> b.allowAtomicPublish(d.allowAtomicPublish()))
				.since(V2_12),
			field("allow-msg-schedules", StreamDeclaration::allowMsgSchedules,
					StreamConfiguration::getAllowMsgSchedules, (b, d) -> b.allowMessageSchedules(d.allowMsgSchedules()))
				.since(V2_12)
				.rule(ChangeRule.cannotSwitchOff("message schedules cannot be switched off once allowed")));

	private StreamFields() {
	}

	private static FieldSpec<StreamDeclaration, StreamConfiguration, StreamConfiguration.Builder> field(String property,
			Function<StreamDeclaration, Object> declared, Function<StreamConfiguration, Object> actual,
			BiConsumer<StreamConfiguration.Builder, StreamDeclaration> writer) {
		return FieldSpec.of(property, declared, actual, writer);
	}

	/**
	 * Retention never changes on 2.9; from 2.10 limits and interest may swap, but nothing goes to or from
	 * work-queue.
	 */
	private static ChangeRule.Verdict retentionChange(Object declared, Object actual, ConnectedServer server) {
		if (!server.isAtLeast("2.10.0")) {
			return ChangeRule.Verdict.requiresNewerServer(
					"retention can change only from nats-server 2.10 (connected: " + server.version() + ")");
		}
		if (declared == RetentionPolicy.WorkQueue || actual == RetentionPolicy.WorkQueue) {
			return ChangeRule.Verdict.immutable("retention never changes to or from work-queue");
		}
		return ChangeRule.Verdict.EDITABLE;
	}

	private static Object compression(StreamConfiguration configuration) {
		return (configuration.getCompressionOption() != null) ? configuration.getCompressionOption()
				: CompressionOption.None;
	}

	private static Object subjectTransform(StreamConfiguration configuration) {
		SubjectTransform transform = configuration.getSubjectTransform();
		return (transform != null) ? new SubjectTransformDeclaration(transform.getSource(), transform.getDestination())
				: null;
	}

	private static Object republish(StreamDeclaration declaration) {
		RepublishDeclaration republish = declaration.republish();
		return (republish != null) ? new RepublishDeclaration(republish.source(), republish.destination(),
				Boolean.TRUE.equals(republish.headersOnly())) : null;
	}

	private static Object republish(StreamConfiguration configuration) {
		Republish republish = configuration.getRepublish();
		return (republish != null) ? new RepublishDeclaration(republish.getSource(), republish.getDestination(),
				republish.isHeadersOnly()) : null;
	}

	private static Object sources(StreamDeclaration declaration) {
		return (declaration.sources() != null) ? declaration.sources().stream().map(SourceSpec::of).toList() : null;
	}

	private static Object sources(StreamConfiguration configuration) {
		List<Source> sources = configuration.getSources();
		return (sources != null) ? sources.stream().map(SourceSpec::of).toList() : List.of();
	}

	/**
	 * A mirror or source, normalised: the server reports unset start sequences as 0 and may report an empty filter;
	 * a source in another domain is an external API prefix {@code $JS.<domain>.API} on the server.
	 */
	record SourceSpec(String name, String filterSubject, Long startSequence, Instant startTime, String domain) {

		private static final String API_PREFIX = "$JS.";

		private static final String API_SUFFIX = ".API";

		static SourceSpec of(SourceDeclaration source) {
			if (source == null) {
				return null;
			}
			return new SourceSpec(source.name(), Values.text(source.filterSubject()), source.startSequence(),
					Values.instant(source.startTime()), Values.text(source.domain()));
		}

		static SourceSpec of(SourceBase source) {
			if (source == null) {
				return null;
			}
			return new SourceSpec(source.getName(), Values.text(source.getFilterSubject()),
					(source.getStartSeq() > 0) ? source.getStartSeq() : null, Values.instant(source.getStartTime()),
					domain(source.getExternal()));
		}

		/** The domain of an external API {@code $JS.<domain>.API}; another prefix is shown as it is. */
		private static String domain(External external) {
			String api = (external != null) ? Values.text(external.getApi()) : null;
			if (api != null && api.startsWith(API_PREFIX) && api.endsWith(API_SUFFIX)
					&& api.length() > API_PREFIX.length() + API_SUFFIX.length()) {
				return api.substring(API_PREFIX.length(), api.length() - API_SUFFIX.length());
			}
			return api;
		}

		<T extends SourceBase.SourceBaseBuilder<T>> T fill(T builder) {
			builder.name(this.name);
			if (this.filterSubject != null) {
				builder.filterSubject(this.filterSubject);
			}
			if (this.startSequence != null) {
				builder.startSeq(this.startSequence);
			}
			if (this.startTime != null) {
				builder.startTime(this.startTime.atZone(ZoneOffset.UTC));
			}
			if (this.domain != null) {
				builder.domain(this.domain);
			}
			return builder;
		}

		@Override
		public String toString() {
			return this.name + ((this.domain != null) ? " in domain " + this.domain : "")
					+ ((this.filterSubject != null) ? " filter " + this.filterSubject : "")
					+ ((this.startSequence != null) ? " from sequence " + this.startSequence : "")
					+ ((this.startTime != null) ? " from " + this.startTime : "");
		}

	}

}
