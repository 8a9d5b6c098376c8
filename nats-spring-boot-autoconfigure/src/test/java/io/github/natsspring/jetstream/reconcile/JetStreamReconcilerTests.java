package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.CompressionOption;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.test.NatsServerBinary;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconciliation against a real server: what lands on the server, what a second start reports, and what each
 * mode writes. Every test uses its own resource names on the class's server.
 */
@Tag("compat")
class JetStreamReconcilerTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	static Connection raw;

	static JetStreamManagement jsm;

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=1s");

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(nats.url());
		jsm = raw.jetStreamManagement();
	}

	@AfterAll
	static void close() throws Exception {
		raw.close();
	}

	static boolean atLeast(int major, int minor) {
		return NatsServerBinary.forCurrentRun().isAtLeast(major, minor);
	}

	@Test
	void everyDeclaredSettingLandsOnTheServerAndASecondStartIsUnchanged() throws Exception {
		String[] properties = { "nats.jetstream.streams[FULL_1].subjects=full1.>",
				"nats.jetstream.streams[FULL_1].description=Everything declared",
				"nats.jetstream.streams[FULL_1].storage=memory", "nats.jetstream.streams[FULL_1].retention=interest",
				"nats.jetstream.streams[FULL_1].max-age=1h", "nats.jetstream.streams[FULL_1].max-bytes=10MB",
				"nats.jetstream.streams[FULL_1].max-msgs=1000", "nats.jetstream.streams[FULL_1].max-msgs-per-subject=10",
				"nats.jetstream.streams[FULL_1].max-msg-size=64KB", "nats.jetstream.streams[FULL_1].max-consumers=5",
				"nats.jetstream.streams[FULL_1].discard=new", "nats.jetstream.streams[FULL_1].duplicate-window=30s",
				"nats.jetstream.streams[FULL_1].deny-delete=true", "nats.jetstream.streams[FULL_1].deny-purge=true",
				"nats.jetstream.streams[FULL_1].allow-direct=true", "nats.jetstream.streams[FULL_1].compression=s2",
				"nats.jetstream.streams[FULL_1].first-sequence=42",
				"nats.jetstream.streams[FULL_1].metadata.owner=billing",
				"nats.jetstream.streams[FULL_1].metadata[team_name]=payments",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].description=Does the work",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].filter-subjects=full1.a,full1.b",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].deliver-policy=by-start-sequence",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].start-sequence=50",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].ack-policy=explicit",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].ack-wait=10s",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].max-deliver=5",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].backoff=1s,5s,10s",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].max-ack-pending=50",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].max-waiting=16",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].inactive-threshold=1h",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].headers-only=true",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].metadata.role=worker",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].replay-policy=instant",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].max-batch=100",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].max-expires=30s",
				"nats.jetstream.streams[FULL_1].consumers[worker_1].max-bytes=1MB",
				"nats.jetstream.streams[XFORM_1].subjects=xform1.>",
				"nats.jetstream.streams[XFORM_1].subject-transform.source=xform1.>",
				"nats.jetstream.streams[XFORM_1].subject-transform.destination=xform1.stored.>",
				"nats.jetstream.streams[XFORM_1].republish.source=xform1.>",
				"nats.jetstream.streams[XFORM_1].republish.destination=copy.xform1.>",
				"nats.jetstream.streams[XFORM_1].republish.headers-only=true",
				"nats.jetstream.streams[COPY_1].sources[0].name=FULL_1",
				"nats.jetstream.streams[COPY_1].sources[0].filter-subject=full1.a",
				"nats.jetstream.streams[MIRROR_1].mirror.name=XFORM_1",
				"nats.jetstream.key-value[CONFIG_1].history=5", "nats.jetstream.key-value[CONFIG_1].ttl=1h",
				"nats.jetstream.key-value[CONFIG_1].max-bytes=1MB",
				"nats.jetstream.key-value[CONFIG_1].max-value-size=4KB",
				"nats.jetstream.key-value[CONFIG_1].storage=memory",
				"nats.jetstream.key-value[CONFIG_1].description=Settings",
				"nats.jetstream.key-value[CONFIG_1].compression=true",
				"nats.jetstream.key-value[CONFIG_1].metadata.owner=ops",
				"nats.jetstream.object-store[FILES_1].max-bytes=100MB", "nats.jetstream.object-store[FILES_1].ttl=2h",
				"nats.jetstream.object-store[FILES_1].description=Build outputs",
				"nats.jetstream.object-store[FILES_1].compression=true",
				"nats.jetstream.object-store[FILES_1].metadata.owner=ci" };
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
			assertThat(report.resources()).extracting(ResourceReport::status).containsOnly(ResourceStatus.CREATED);
			assertThat(report.resources()).hasSize(7);
		});
		StreamConfiguration full = jsm.getStreamInfo("FULL_1").getConfiguration();
		assertThat(full.getSubjects()).containsExactly("full1.>");
		assertThat(full.getDescription()).isEqualTo("Everything declared");
		assertThat(full.getStorageType()).isEqualTo(StorageType.Memory);
		assertThat(full.getRetentionPolicy()).isEqualTo(RetentionPolicy.Interest);
		assertThat(full.getMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(full.getMaxBytes()).isEqualTo(10 * 1024 * 1024);
		assertThat(full.getMaxMsgs()).isEqualTo(1000);
		assertThat(full.getMaxMsgsPerSubject()).isEqualTo(10);
		assertThat(full.getMaxMsgSize()).isEqualTo(64 * 1024);
		assertThat(full.getMaxConsumers()).isEqualTo(5);
		assertThat(full.getDiscardPolicy()).isEqualTo(DiscardPolicy.New);
		assertThat(full.getDuplicateWindow()).isEqualTo(Duration.ofSeconds(30));
		assertThat(full.getDenyDelete()).isTrue();
		assertThat(full.getDenyPurge()).isTrue();
		assertThat(full.getAllowDirect()).isTrue();
		assertThat(full.getCompressionOption()).isEqualTo(CompressionOption.S2);
		assertThat(full.getFirstSequence()).isEqualTo(42);
		assertThat(Values.userMetadata(full.getMetadata())).containsExactly(Map.entry("owner", "billing"),
				Map.entry("team_name", "payments"));
		ConsumerConfiguration worker = jsm.getConsumerInfo("FULL_1", "worker_1").getConsumerConfiguration();
		assertThat(worker.getDescription()).isEqualTo("Does the work");
		assertThat(worker.getFilterSubjects()).containsExactly("full1.a", "full1.b");
		assertThat(worker.getDeliverPolicy()).isEqualTo(DeliverPolicy.ByStartSequence);
		assertThat(worker.getStartSequence()).isEqualTo(50);
		assertThat(worker.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
		assertThat(worker.getAckWait()).isEqualTo(Duration.ofSeconds(1)); // the first backoff step, as the server sets
		assertThat(worker.getMaxDeliver()).isEqualTo(5);
		assertThat(worker.getBackoff()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofSeconds(10));
		assertThat(worker.getMaxAckPending()).isEqualTo(50);
		assertThat(worker.getMaxPullWaiting()).isEqualTo(16);
		assertThat(worker.getInactiveThreshold()).isEqualTo(Duration.ofHours(1));
		assertThat(worker.isHeadersOnly()).isTrue();
		assertThat(Values.userMetadata(worker.getMetadata())).containsExactly(Map.entry("role", "worker"));
		assertThat(worker.getMaxBatch()).isEqualTo(100);
		assertThat(worker.getMaxExpires()).isEqualTo(Duration.ofSeconds(30));
		assertThat(worker.getMaxBytes()).isEqualTo(1024 * 1024);
		StreamConfiguration xform = jsm.getStreamInfo("XFORM_1").getConfiguration();
		assertThat(xform.getSubjectTransform().getDestination()).isEqualTo("xform1.stored.>");
		assertThat(xform.getRepublish().getDestination()).isEqualTo("copy.xform1.>");
		assertThat(xform.getRepublish().isHeadersOnly()).isTrue();
		assertThat(jsm.getStreamInfo("COPY_1").getConfiguration().getSources()).singleElement()
			.satisfies((source) -> assertThat(source.getFilterSubject()).isEqualTo("full1.a"));
		assertThat(jsm.getStreamInfo("MIRROR_1").getConfiguration().getMirror().getName()).isEqualTo("XFORM_1");
		StreamConfiguration kv = jsm.getStreamInfo("KV_CONFIG_1").getConfiguration();
		assertThat(kv.getMaxMsgsPerSubject()).isEqualTo(5);
		assertThat(kv.getMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(kv.getMaxBytes()).isEqualTo(1024 * 1024);
		assertThat(kv.getMaxMsgSize()).isEqualTo(4096);
		assertThat(kv.getStorageType()).isEqualTo(StorageType.Memory);
		assertThat(kv.getDescription()).isEqualTo("Settings");
		assertThat(kv.getCompressionOption()).isEqualTo(CompressionOption.S2);
		assertThat(kv.getSubjects()).containsExactly("$KV.CONFIG_1.>");
		assertThat(kv.getAllowRollup()).isTrue();
		assertThat(raw.keyValueManagement().getStatus("CONFIG_1").getMaxHistoryPerKey()).isEqualTo(5);
		StreamConfiguration files = jsm.getStreamInfo("OBJ_FILES_1").getConfiguration();
		assertThat(files.getMaxBytes()).isEqualTo(100 * 1024 * 1024);
		assertThat(files.getMaxAge()).isEqualTo(Duration.ofHours(2));
		assertThat(files.getDescription()).isEqualTo("Build outputs");
		assertThat(Values.userMetadata(files.getMetadata())).containsExactly(Map.entry("owner", "ci"));
		assertThat(raw.objectStoreManagement().getStatus("FILES_1").getDescription()).isEqualTo("Build outputs");

		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
			assertThat(report.resources()).allSatisfy(
					(resource) -> assertThat(resource.status()).as(resource.toString()).isEqualTo(ResourceStatus.UNCHANGED));
		});
	}

	@Test
	void settingsOfNewerServersAndTheRestLandToo() throws Exception {
		org.junit.jupiter.api.Assumptions.assumeTrue(atLeast(2, 12), "needs nats-server 2.12");
		String[] properties = { "nats.jetstream.streams[NEWER_1].subjects=newer1.>",
				"nats.jetstream.streams[NEWER_1].allow-msg-ttl=true",
				"nats.jetstream.streams[NEWER_1].subject-delete-marker-ttl=1m",
				"nats.jetstream.streams[NEWER_1].allow-atomic-publish=true",
				"nats.jetstream.streams[NEWER_1].allow-rollup=true",
				"nats.jetstream.streams[NEWER_1].consumers[c].priority-groups=jobs",
				"nats.jetstream.streams[NEWER_1].consumers[c].priority-policy=pinned-client",
				"nats.jetstream.streams[NEWER_1].consumers[c].deliver-policy=by-start-time",
				"nats.jetstream.streams[NEWER_1].consumers[c].start-time=2024-01-02T03:04:05Z",
				"nats.jetstream.streams[NEWER_1].consumers[c].memory-storage=true",
				"nats.jetstream.streams[NEWER_1].consumers[c].replicas=1",
				"nats.jetstream.streams[PERSUBJ_1].subjects=persubj1.>", "nats.jetstream.streams[PERSUBJ_1].discard=new",
				"nats.jetstream.streams[PERSUBJ_1].max-msgs-per-subject=1",
				"nats.jetstream.streams[PERSUBJ_1].discard-new-per-subject=true",
				"nats.jetstream.streams[SCHED_1].subjects=sched1.>",
				"nats.jetstream.streams[SCHED_1].allow-msg-schedules=true",
				"nats.jetstream.streams[COUNTER_1].subjects=counter1.>",
				"nats.jetstream.streams[COUNTER_1].allow-msg-counter=true",
				"nats.jetstream.streams[COUNTER_1].sources[0].name=PERSUBJ_1",
				"nats.jetstream.streams[COUNTER_1].sources[0].start-sequence=3" };
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JetStreamReconciler.class).getReport().resources())
				.allSatisfy((r) -> assertThat(r.status()).as(r.toString()).isEqualTo(ResourceStatus.CREATED));
		});
		StreamConfiguration newer = jsm.getStreamInfo("NEWER_1").getConfiguration();
		assertThat(newer.getAllowMessageTtl()).isTrue();
		assertThat(newer.getSubjectDeleteMarkerTtl()).isEqualTo(Duration.ofMinutes(1));
		assertThat(newer.getAllowAtomicPublish()).isTrue();
		assertThat(newer.getAllowRollup()).isTrue();
		ConsumerConfiguration consumer = jsm.getConsumerInfo("NEWER_1", "c").getConsumerConfiguration();
		assertThat(consumer.getPriorityGroups()).containsExactly("jobs");
		assertThat(consumer.getPriorityPolicy()).isEqualTo(io.nats.client.api.PriorityPolicy.PinnedClient);
		assertThat(consumer.getStartTime().toInstant()).isEqualTo(java.time.Instant.parse("2024-01-02T03:04:05Z"));
		assertThat(consumer.isMemStorage()).isTrue();
		assertThat(consumer.getNumReplicas()).isEqualTo(1);
		assertThat(jsm.getStreamInfo("PERSUBJ_1").getConfiguration().isDiscardNewPerSubject()).isTrue();
		assertThat(jsm.getStreamInfo("SCHED_1").getConfiguration().getAllowMsgSchedules()).isTrue();
		StreamConfiguration counter = jsm.getStreamInfo("COUNTER_1").getConfiguration();
		assertThat(counter.getAllowMessageCounter()).isTrue();
		assertThat(counter.getSources()).singleElement()
			.satisfies((source) -> assertThat(source.getStartSeq()).isEqualTo(3));
		this.runner.withPropertyValues(properties)
			.run((context) -> assertThat(context.getBean(JetStreamReconciler.class).getReport().resources())
				.allSatisfy((r) -> assertThat(r.status()).as(r.toString()).isEqualTo(ResourceStatus.UNCHANGED)));
	}

	@Test
	void editableChangesAreAppliedAndReportedWithDeclaredAndActual() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[EDIT_1].subjects=edit1.>",
					"nats.jetstream.streams[EDIT_1].max-age=1h",
					"nats.jetstream.streams[EDIT_1].consumers[w].ack-wait=20s")
			.run((context) -> assertThat(context).hasNotFailed());
		this.runner
			.withPropertyValues("nats.jetstream.streams[EDIT_1].subjects=edit1.>,edit1b.>",
					"nats.jetstream.streams[EDIT_1].max-age=2h", "nats.jetstream.streams[EDIT_1].description=now described",
					"nats.jetstream.streams[EDIT_1].consumers[w].ack-wait=45s",
					"nats.jetstream.streams[EDIT_1].consumers[w].max-ack-pending=20")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
				ResourceReport stream = report.find(ResourceKind.STREAM, "EDIT_1").orElseThrow();
				assertThat(stream.status()).isEqualTo(ResourceStatus.UPDATED);
				assertThat(stream.differences()).extracting(Difference::toString)
					.contains("max-age: declared 2h, actual 1h (changed)",
							"subjects: declared [edit1.>, edit1b.>], actual [edit1.>] (changed)",
							"description: declared now described, actual (not set) (changed)");
				ResourceReport consumer = report.findConsumer("EDIT_1", "w").orElseThrow();
				assertThat(consumer.status()).isEqualTo(ResourceStatus.UPDATED);
				assertThat(consumer.differences()).extracting(Difference::toString)
					.contains("ack-wait: declared 45s, actual 20s (changed)",
							"max-ack-pending: declared 20, actual 1000 (changed)");
			});
		StreamConfiguration stream = jsm.getStreamInfo("EDIT_1").getConfiguration();
		assertThat(stream.getMaxAge()).isEqualTo(Duration.ofHours(2));
		assertThat(stream.getSubjects()).containsExactly("edit1.>", "edit1b.>");
		assertThat(jsm.getConsumerInfo("EDIT_1", "w").getConsumerConfiguration().getAckWait())
			.isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void immutableChangesFailStartupNamingResourceFieldAndValuesAndNothingIsWritten() throws Exception {
		jsm.addStream(StreamConfiguration.builder()
			.name("IMM_1")
			.subjects("imm1.>")
			.storageType(StorageType.File)
			.maxAge(Duration.ofHours(1))
			.build());
		jsm.createConsumer("IMM_1", ConsumerConfiguration.builder().durable("c1").ackPolicy(AckPolicy.Explicit).build());
		this.runner
			.withPropertyValues("nats.jetstream.streams[IMM_1].subjects=imm1.>",
					"nats.jetstream.streams[IMM_1].storage=memory", "nats.jetstream.streams[IMM_1].retention=work-queue",
					"nats.jetstream.streams[IMM_1].max-age=2h",
					"nats.jetstream.streams[IMM_1].consumers[c1].ack-policy=none",
					"nats.jetstream.streams[IMM_1].consumers[c1].deliver-policy=new",
					"nats.jetstream.streams[IMM_NEW].subjects=immnew.>")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				JetStreamReconcileException exception = findCause(failure, JetStreamReconcileException.class);
				assertThat(exception.isNothingWritten()).isTrue();
				ReconcileReport report = exception.getReport();
				assertThat(report.find(ResourceKind.STREAM, "IMM_1").orElseThrow().status())
					.isEqualTo(ResourceStatus.CONFLICT);
				assertThat(report.find(ResourceKind.STREAM, "IMM_NEW").orElseThrow().status())
					.isEqualTo(ResourceStatus.MISSING);
				String description = FailureAnalysisSupport.analyze(failure).getDescription();
				assertThat(description).contains("nothing was written")
					.contains("conflict stream IMM_1 (nats.jetstream.streams[IMM_1])")
					.contains("storage: declared memory, actual file (a stream's storage type never changes)")
					.contains("retention: declared work-queue, actual limits (retention never changes to or from work-queue)")
					.contains("conflict consumer IMM_1/c1 (nats.jetstream.streams[IMM_1].consumers[c1])")
					.contains("ack-policy: declared none, actual explicit")
					.contains("deliver-policy: declared new, actual all");
				assertThat(FailureAnalysisSupport.analyze(failure).getAction()).contains("fail-on-conflict=false");
			});
		StreamConfiguration untouched = jsm.getStreamInfo("IMM_1").getConfiguration();
		assertThat(untouched.getMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(untouched.getStorageType()).isEqualTo(StorageType.File);
		assertThat(jsm.getConsumerInfo("IMM_1", "c1").getConsumerConfiguration().getAckPolicy())
			.isEqualTo(AckPolicy.Explicit);
		assertThat(jsm.getStreamNames()).doesNotContain("IMM_NEW");
	}

	@Test
	void withoutFailOnConflictConflictsAreReportedAndEverythingElseIsApplied() throws Exception {
		jsm.addStream(StreamConfiguration.builder().name("FOC_1").subjects("foc1.>").maxAge(Duration.ofHours(1)).build());
		this.runner
			.withPropertyValues("nats.jetstream.reconcile.fail-on-conflict=false",
					"nats.jetstream.streams[FOC_1].subjects=foc1.>", "nats.jetstream.streams[FOC_1].storage=memory",
					"nats.jetstream.streams[FOC_1].max-age=2h", "nats.jetstream.streams[FOC_2].subjects=foc2.>")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
				ResourceReport conflict = report.find(ResourceKind.STREAM, "FOC_1").orElseThrow();
				assertThat(conflict.status()).isEqualTo(ResourceStatus.CONFLICT);
				assertThat(conflict.conflicts()).extracting(Difference::property).containsExactly("storage");
				assertThat(report.find(ResourceKind.STREAM, "FOC_2").orElseThrow().status())
					.isEqualTo(ResourceStatus.CREATED);
				assertThat(report.hasProblems()).isTrue();
				JetStreamHealthGroup health = context.getBean(JetStreamHealthGroup.class);
				assertThat(((org.springframework.boot.health.contributor.HealthIndicator) health.getMembers()
					.get("streams")).health().getStatus())
					.isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);
			});
		assertThat(jsm.getStreamInfo("FOC_1").getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(2));
		assertThat(jsm.getStreamInfo("FOC_1").getConfiguration().getStorageType()).isEqualTo(StorageType.File);
		assertThat(jsm.getStreamNames()).contains("FOC_2");
	}

	@Test
	void createOnlyCreatesWhatIsMissingAndOnlyReportsDrift() throws Exception {
		jsm.addStream(StreamConfiguration.builder().name("CO_1").subjects("co1.>").maxAge(Duration.ofHours(1)).build());
		this.runner
			.withPropertyValues("nats.jetstream.reconcile.mode=create-only", "nats.jetstream.streams[CO_1].subjects=co1.>",
					"nats.jetstream.streams[CO_1].max-age=2h", "nats.jetstream.streams[CO_2].subjects=co2.>")
			.run((context) -> {
				ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
				ResourceReport drift = report.find(ResourceKind.STREAM, "CO_1").orElseThrow();
				assertThat(drift.status()).isEqualTo(ResourceStatus.DRIFT);
				assertThat(drift.differences()).extracting(Difference::toString)
					.containsExactly("max-age: declared 2h, actual 1h (left as is in create-only mode)");
				assertThat(report.find(ResourceKind.STREAM, "CO_2").orElseThrow().status())
					.isEqualTo(ResourceStatus.CREATED);
			});
		assertThat(jsm.getStreamInfo("CO_1").getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(jsm.getStreamNames()).contains("CO_2");
	}

	@Test
	void validateWritesNothing() throws Exception {
		jsm.addStream(StreamConfiguration.builder().name("VA_1").subjects("va1.>").maxAge(Duration.ofHours(1)).build());
		this.runner
			.withPropertyValues("nats.jetstream.reconcile.mode=validate", "nats.jetstream.streams[VA_1].subjects=va1.>",
					"nats.jetstream.streams[VA_1].max-age=2h", "nats.jetstream.streams[VA_1].consumers[c].ack-wait=5s",
					"nats.jetstream.streams[VA_2].subjects=va2.>", "nats.jetstream.key-value[VA_KV].history=2")
			.run((context) -> {
				ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
				assertThat(report.find(ResourceKind.STREAM, "VA_1").orElseThrow().status())
					.isEqualTo(ResourceStatus.DRIFT);
				assertThat(report.findConsumer("VA_1", "c").orElseThrow().status()).isEqualTo(ResourceStatus.MISSING);
				assertThat(report.find(ResourceKind.STREAM, "VA_2").orElseThrow().status())
					.isEqualTo(ResourceStatus.MISSING);
				assertThat(report.find(ResourceKind.KEY_VALUE, "VA_KV").orElseThrow().status())
					.isEqualTo(ResourceStatus.MISSING);
			});
		assertThat(jsm.getStreamInfo("VA_1").getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(jsm.getConsumerNames("VA_1")).isEmpty();
		assertThat(jsm.getStreamNames()).doesNotContain("VA_2", "KV_VA_KV");
	}

	@Test
	void offDoesNothing() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.reconcile.mode=off", "nats.jetstream.streams[OFF_1].subjects=off1.>")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JetStreamReconciler.class).getReport().resources()).isEmpty();
			});
		assertThat(jsm.getStreamNames()).doesNotContain("OFF_1");
	}

	@Test
	void serverDefaultsAndServerMetadataDoNotCountAsDifferences() throws Exception {
		jsm.addStream(StreamConfiguration.builder()
			.name("NORM_1")
			.subjects("norm1.>")
			.metadata(Map.of("owner", "billing"))
			.build());
		jsm.createConsumer("NORM_1", ConsumerConfiguration.builder().durable("c").metadata(Map.of("role", "w")).build());
		if (atLeast(2, 11)) {
			assertThat(jsm.getStreamInfo("NORM_1").getConfiguration().getMetadata()).containsKey("_nats.ver");
		}
		this.runner
			.withPropertyValues("nats.jetstream.streams[NORM_1].subjects=norm1.>",
					"nats.jetstream.streams[NORM_1].storage=file", "nats.jetstream.streams[NORM_1].retention=limits",
					"nats.jetstream.streams[NORM_1].discard=old", "nats.jetstream.streams[NORM_1].duplicate-window=2m",
					"nats.jetstream.streams[NORM_1].max-age=0s", "nats.jetstream.streams[NORM_1].max-msgs=-1",
					"nats.jetstream.streams[NORM_1].max-bytes=-1B", "nats.jetstream.streams[NORM_1].replicas=1",
					"nats.jetstream.streams[NORM_1].description=",
					"nats.jetstream.streams[NORM_1].metadata.owner=billing",
					"nats.jetstream.streams[NORM_1].consumers[c].ack-wait=30s",
					"nats.jetstream.streams[NORM_1].consumers[c].max-ack-pending=1000",
					"nats.jetstream.streams[NORM_1].consumers[c].max-waiting=512",
					"nats.jetstream.streams[NORM_1].consumers[c].max-deliver=-1",
					"nats.jetstream.streams[NORM_1].consumers[c].deliver-policy=all",
					"nats.jetstream.streams[NORM_1].consumers[c].ack-policy=explicit",
					"nats.jetstream.streams[NORM_1].consumers[c].replay-policy=instant",
					"nats.jetstream.streams[NORM_1].consumers[c].replicas=1",
					"nats.jetstream.streams[NORM_1].consumers[c].inactive-threshold=0s",
					"nats.jetstream.streams[NORM_1].consumers[c].metadata.role=w")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JetStreamReconciler.class).getReport().resources()).allSatisfy(
						(r) -> assertThat(r.status()).as(r.toString()).isEqualTo(ResourceStatus.UNCHANGED));
			});
	}

	@Test
	void onlyDeclaredMetadataKeysAreComparedAndAnUpdateKeepsTheOthers() throws Exception {
		jsm.addStream(StreamConfiguration.builder()
			.name("META_1")
			.subjects("meta1.>")
			.metadata(Map.of("owner", "billing", "added-by", "ops"))
			.build());
		jsm.createConsumer("META_1",
				ConsumerConfiguration.builder().durable("c").metadata(Map.of("role", "w", "pager", "team-a")).build());
		raw.keyValueManagement()
			.create(io.nats.client.api.KeyValueConfiguration.builder()
				.name("META_KV")
				.metadata(Map.of("owner", "ops", "backup", "nightly"))
				.build());
		this.runner
			.withPropertyValues("nats.jetstream.streams[META_1].subjects=meta1.>",
					"nats.jetstream.streams[META_1].metadata.owner=billing",
					"nats.jetstream.streams[META_1].consumers[c].metadata.role=w",
					"nats.jetstream.key-value[META_KV].metadata.owner=ops")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JetStreamReconciler.class).getReport().resources()).hasSize(3)
					.allSatisfy((r) -> assertThat(r.status()).as(r.toString()).isEqualTo(ResourceStatus.UNCHANGED));
			});
		this.runner
			.withPropertyValues("nats.jetstream.streams[META_1].subjects=meta1.>",
					"nats.jetstream.streams[META_1].metadata.owner=payments",
					"nats.jetstream.streams[META_1].consumers[c].metadata.role=reader",
					"nats.jetstream.key-value[META_KV].metadata.owner=platform")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
				assertThat(report.find(ResourceKind.STREAM, "META_1").orElseThrow().differences())
					.extracting(Difference::toString)
					.containsExactly("metadata: declared {owner=payments}, actual {owner=billing} (changed)");
				assertThat(report.findConsumer("META_1", "c").orElseThrow().status()).isEqualTo(ResourceStatus.UPDATED);
				assertThat(report.find(ResourceKind.KEY_VALUE, "META_KV").orElseThrow().status())
					.isEqualTo(ResourceStatus.UPDATED);
			});
		assertThat(Values.userMetadata(jsm.getStreamInfo("META_1").getConfiguration().getMetadata()))
			.containsOnly(Map.entry("owner", "payments"), Map.entry("added-by", "ops"));
		assertThat(Values.userMetadata(jsm.getConsumerInfo("META_1", "c").getConsumerConfiguration().getMetadata()))
			.containsOnly(Map.entry("role", "reader"), Map.entry("pager", "team-a"));
		assertThat(Values.userMetadata(jsm.getStreamInfo("KV_META_KV").getConfiguration().getMetadata()))
			.containsOnly(Map.entry("owner", "platform"), Map.entry("backup", "nightly"));
	}

	@Test
	void subjectsAreComparedAsDeclaredNeverMerged() throws Exception {
		jsm.addStream(StreamConfiguration.builder().name("SUBJ_1").subjects("subj1.a", "subj1.b").build());
		this.runner
			.withPropertyValues("nats.jetstream.streams[SUBJ_1].subjects=subj1.b,subj1.a")
			.run((context) -> assertThat(context.getBean(JetStreamReconciler.class)
				.getReport()
				.find(ResourceKind.STREAM, "SUBJ_1")
				.orElseThrow()
				.status()).isEqualTo(ResourceStatus.UNCHANGED));
		this.runner.withPropertyValues("nats.jetstream.streams[SUBJ_1].subjects=subj1.a").run((context) -> {
			ResourceReport stream = context.getBean(JetStreamReconciler.class)
				.getReport()
				.find(ResourceKind.STREAM, "SUBJ_1")
				.orElseThrow();
			assertThat(stream.status()).isEqualTo(ResourceStatus.UPDATED);
			assertThat(stream.differences()).extracting(Difference::toString)
				.containsExactly("subjects: declared [subj1.a], actual [subj1.a, subj1.b] (changed)");
		});
		assertThat(jsm.getStreamInfo("SUBJ_1").getConfiguration().getSubjects()).containsExactly("subj1.a");
	}

	@Test
	void subjectsCapturedByAnUndeclaredStreamAreAConflictBeforeAnythingIsWritten() throws Exception {
		jsm.addStream(StreamConfiguration.builder().name("OTHER_1").subjects("taken1.>").build());
		this.runner
			.withPropertyValues("nats.jetstream.streams[TAKER_1].subjects=taken1.orders",
					"nats.jetstream.streams[TAKER_2].subjects=free2.>")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalysisSupport.analyze(context.getStartupFailure()).getDescription())
					.contains("conflict stream TAKER_1")
					.contains("'taken1.orders' is captured by stream OTHER_1");
			});
		assertThat(jsm.getStreamNames()).doesNotContain("TAKER_1", "TAKER_2");
	}

	@Test
	void aFeatureOfANewerServerIsAClearConflictNotATimeout() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[TTL_1].subjects=ttl1.>",
					"nats.jetstream.streams[TTL_1].allow-msg-ttl=true")
			.run((context) -> {
				if (atLeast(2, 11)) {
					assertThat(context).hasNotFailed();
					assertThat(jsm.getStreamInfo("TTL_1").getConfiguration().getAllowMessageTtl()).isTrue();
				}
				else {
					assertThat(context).hasFailed();
					Throwable failure = context.getStartupFailure();
					// found while planning, from the server's version: no request was sent that could time out
					JetStreamReconcileException exception = findCause(failure, JetStreamReconcileException.class);
					assertThat(exception.isNothingWritten()).isTrue();
					assertThat(exception.getReport().find(ResourceKind.STREAM, "TTL_1").orElseThrow().conflicts())
						.singleElement()
						.satisfies((conflict) -> assertThat(conflict.type())
							.isEqualTo(Difference.Type.REQUIRES_NEWER_SERVER));
					for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
						assertThat(cause).isNotInstanceOfAny(java.util.concurrent.TimeoutException.class,
								java.io.IOException.class);
					}
					assertThat(FailureAnalysisSupport.analyze(failure).getDescription())
						.contains("conflict stream TTL_1")
						.contains("allow-msg-ttl: declared true, actual (not set) (needs nats-server 2.11.0 or newer "
								+ "(connected: 2.10");
					assertThat(jsm.getStreamNames()).doesNotContain("TTL_1");
				}
			});
	}

	@Test
	void aSettingTheServerSilentlyDropsIsReportedAsAWarning() throws Exception {
		org.junit.jupiter.api.Assumptions.assumeFalse(atLeast(2, 11), "only servers before 2.11 drop allow-msg-ttl");
		this.runner
			.withPropertyValues("nats.jetstream.reconcile.fail-on-conflict=false",
					"nats.jetstream.streams[DROP_1].subjects=drop1.>", "nats.jetstream.streams[DROP_1].allow-msg-ttl=true")
			.run((context) -> {
				JetStreamReconciler reconciler = context.getBean(JetStreamReconciler.class);
				assertThat(reconciler.getReport().find(ResourceKind.STREAM, "DROP_1").orElseThrow().status())
					.isEqualTo(ResourceStatus.CONFLICT);
				// plan as if the server knew the field, so that it is sent, and watch the server drop it
				Declared<StreamDeclaration> declared = reconciler.getTopology().getStream("DROP_1").orElseThrow();
				ReconcileRun run = new ReconcileRun(jsm, new ConnectedServer("2.11.0"), ReconcileMode.UPDATE,
						java.util.Set.of("DROP_1"), false);
				ResourceReport dropped = run.apply(run.plan(new ManagedResource.StreamResource(declared)));
				assertThat(dropped.status()).isEqualTo(ResourceStatus.WARNING);
				assertThat(dropped.differences()).singleElement().satisfies((difference) -> {
					assertThat(difference.type()).isEqualTo(Difference.Type.NOT_KEPT);
					assertThat(difference.toString()).startsWith("allow-msg-ttl: declared true, actual false")
						.contains("silently drops settings it does not know");
				});
			});
		assertThat(jsm.getStreamInfo("DROP_1").getConfiguration().getAllowMessageTtl()).isFalse();
	}

	@Test
	void aCreateThatLosesARaceToAConflictingResourceWritesNothingWithFailOnConflict() throws Exception {
		ResourceReport held = loseACreateRace("LOSER_1", true);
		assertThat(held.status()).isEqualTo(ResourceStatus.CONFLICT);
		assertThat(held.differences()).extracting(Difference::property).containsExactlyInAnyOrder("storage", "max-age");
		assertThat(jsm.getStreamInfo("LOSER_1").getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(1));

		// without fail-on-conflict the editable settings are applied, as everywhere else
		ResourceReport applied = loseACreateRace("LOSER_2", false);
		assertThat(applied.status()).isEqualTo(ResourceStatus.CONFLICT);
		assertThat(applied.differences()).extracting(Difference::toString)
			.contains("max-age: declared 2h, actual 1h (changed)");
		assertThat(jsm.getStreamInfo("LOSER_2").getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(2));
	}

	/**
	 * Plans a missing stream, lets "another instance" create it with another storage and max-age, then applies the
	 * plan: the create fails with 10058 and the stream is planned again.
	 */
	private ResourceReport loseACreateRace(String name, boolean failOnConflict) throws Exception {
		String subject = name.toLowerCase() + ".>";
		Declared<StreamDeclaration> declared = new Declared<>(name,
				StreamDeclaration.builder(name)
					.subjects(subject)
					.storage(StorageType.File)
					.maxAge(Duration.ofHours(2))
					.build(),
				DeclarationOrigin.code("test"));
		ReconcileRun run = new ReconcileRun(jsm, new ConnectedServer(raw.getServerInfo().getVersion()),
				ReconcileMode.UPDATE, java.util.Set.of(name), failOnConflict);
		ReconcileRun.Plan<?, ?, ?> plan = run.plan(new ManagedResource.StreamResource(declared));
		assertThat(plan.exists()).isFalse();
		jsm.addStream(StreamConfiguration.builder()
			.name(name)
			.subjects(subject)
			.storageType(StorageType.Memory)
			.maxAge(Duration.ofHours(1))
			.build());
		return run.apply(plan);
	}

	@Test
	void twoInstancesStartingAtOnceBothSucceed() throws Exception {
		ApplicationContextRunner instance = this.runner.withPropertyValues(
				"nats.jetstream.streams[RACE_1].subjects=race1.>", "nats.jetstream.streams[RACE_1].max-age=1h",
				"nats.jetstream.streams[RACE_1].consumers[w].ack-wait=10s",
				"nats.jetstream.key-value[RACE_KV].history=3", "nats.jetstream.object-store[RACE_OS].description=x");
		java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
		java.util.concurrent.ConcurrentLinkedQueue<Object> outcomes = new java.util.concurrent.ConcurrentLinkedQueue<>();
		Runnable start = () -> {
			try {
				barrier.await();
				instance.run((context) -> outcomes.add((context.getStartupFailure() != null) ? context.getStartupFailure()
						: context.getBean(JetStreamReconciler.class).getReport()));
			}
			catch (Exception ex) {
				outcomes.add(ex);
			}
		};
		Thread first = new Thread(start);
		Thread second = new Thread(start);
		first.start();
		second.start();
		first.join(20_000);
		second.join(20_000);
		assertThat(outcomes).hasSize(2).allSatisfy((outcome) -> {
			assertThat(outcome).isInstanceOf(ReconcileReport.class);
			assertThat(((ReconcileReport) outcome).resources()).extracting(ResourceReport::status)
				.allMatch((status) -> status == ResourceStatus.CREATED || status == ResourceStatus.UNCHANGED);
		});
		assertThat(jsm.getStreamInfo("RACE_1").getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(jsm.getConsumerInfo("RACE_1", "w").getConsumerConfiguration().getAckWait())
			.isEqualTo(Duration.ofSeconds(10));
	}

	static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		Throwable current = failure;
		while (current != null) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			current = current.getCause();
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure);
	}

	// the startup run is planned on the connection made ahead of the start (PlansAhead), and applied at the start

	@Test
	void aContextThatFailsBeforeItStartsWritesNothingThoughItsStartupRunWasPlannedAhead() throws Exception {
		this.runner.withPropertyValues("nats.jetstream.streams[AHEAD_FAILED].subjects=ahead.failed.>")
			.withUserConfiguration(FailingAfterTheReconciler.class)
			.run((context) -> assertThat(context).hasFailed());
		// the planning ran on its own thread while the context failed: give it time to have written, had it
		Thread.sleep(1000);
		assertThat(jsm.getStreamNames()).doesNotContain("AHEAD_FAILED");
	}

	@Test
	void theStartAppliesThePlansMadeAheadAndASecondStartUpdatesWhatChanged() {
		String[] properties = { "nats.jetstream.streams[AHEAD_NEW].subjects=ahead.new.>",
				"nats.jetstream.streams[AHEAD_NEW].max-msgs=100",
				"nats.jetstream.streams[AHEAD_NEW].consumers[ahead_worker].ack-wait=10s" };
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
			assertThat(report.resources()).extracting(ResourceReport::status)
				.containsExactly(ResourceStatus.CREATED, ResourceStatus.CREATED);
			assertThat(jsm.getStreamInfo("AHEAD_NEW").getConfiguration().getMaxMsgs()).isEqualTo(100);
			assertThat(jsm.getConsumerInfo("AHEAD_NEW", "ahead_worker").getConsumerConfiguration().getAckWait())
				.hasSeconds(10);
		});
		this.runner.withPropertyValues(properties).withPropertyValues("nats.jetstream.streams[AHEAD_NEW].max-msgs=200")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<ResourceReport> resources = context.getBean(JetStreamReconciler.class).getReport().resources();
				assertThat(resources).extracting(ResourceReport::status)
					.containsExactly(ResourceStatus.UPDATED, ResourceStatus.UNCHANGED);
				assertThat(jsm.getStreamInfo("AHEAD_NEW").getConfiguration().getMaxMsgs()).isEqualTo(200);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingAfterTheReconciler {

		@Bean
		Object failsOnCreation(JetStreamReconciler reconciler) {
			throw new IllegalStateException("this bean cannot be created");
		}

	}

}
