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
					.contains("max-age: declared 2h, actual 1h", "subjects: declared [edit1.>, edit1b.>], actual [edit1.>]",
							"description: declared now described, actual (not set)");
				ResourceReport consumer = report.findConsumer("EDIT_1", "w").orElseThrow();
				assertThat(consumer.status()).isEqualTo(ResourceStatus.UPDATED);
				assertThat(consumer.differences()).extracting(Difference::toString)
					.contains("ack-wait: declared 45s, actual 20s", "max-ack-pending: declared 20, actual 1000");
			});
		StreamConfiguration stream = jsm.getStreamInfo("EDIT_1").getConfiguration();
		assertThat(stream.getMaxAge()).isEqualTo(Duration.ofHours(2));
		assertThat(stream.getSubjects()).containsExactly("edit1.>", "edit1b.>");
		assertThat(jsm.getConsumerInfo("EDIT_1", "w").getConsumerConfiguration().getAckWait())
			.isEqualTo(Duration.ofSeconds(45));
	}

}
