package io.github.natsspring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StreamConfiguration;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.jetstream.reconcile.ConsumerDeclaration;
import io.github.natsspring.jetstream.reconcile.DeclarationOrigin;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.JetStreamTopology;
import io.github.natsspring.jetstream.reconcile.KeyValueDeclaration;
import io.github.natsspring.jetstream.reconcile.ReconcileMode;
import io.github.natsspring.jetstream.reconcile.ReconcileReport;
import io.github.natsspring.jetstream.reconcile.ResourceStatus;
import io.github.natsspring.jetstream.reconcile.StreamDeclaration;
import io.github.natsspring.test.NatsServer;

/**
 * Reconciles 50 streams with one consumer each and 10 key-value buckets: on an empty server (everything created) and
 * again (nothing to do). Raw jnats does what an application without the starter does: create each resource, and on
 * a later start look each one up.
 */
final class ReconcileBenchmark {

	private static final int STREAMS = 50;

	private static final int BUCKETS = 10;

	private static final int ROUNDS = 3;

	private ReconcileBenchmark() {
	}

	static List<Result> run() throws Exception {
		JetStreamTopology topology = topology();
		List<Long> oursFirst = new ArrayList<>();
		List<Long> oursAgain = new ArrayList<>();
		List<Long> rawFirst = new ArrayList<>();
		List<Long> rawAgain = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			try (NatsServer server = NatsServer.startJetStream(); Connection connection = Nats.connect(server.url())) {
				JetStreamReconciler reconciler = reconciler(server, topology);
				long start = System.nanoTime();
				ReconcileReport report = reconciler.reconcile(connection);
				oursFirst.add(System.nanoTime() - start);
				require(report, ResourceStatus.CREATED);
				start = System.nanoTime();
				report = reconciler.reconcile(connection);
				oursAgain.add(System.nanoTime() - start);
				require(report, ResourceStatus.UNCHANGED);
			}
			try (NatsServer server = NatsServer.startJetStream(); Connection connection = Nats.connect(server.url())) {
				JetStreamManagement jsm = connection.jetStreamManagement();
				KeyValueManagement kvm = connection.keyValueManagement();
				long start = System.nanoTime();
				createRaw(jsm, kvm);
				rawFirst.add(System.nanoTime() - start);
				start = System.nanoTime();
				lookUpRaw(jsm, kvm);
				rawAgain.add(System.nanoTime() - start);
			}
		}
		String resources = STREAMS + " streams + " + STREAMS + " consumers + " + BUCKETS + " KV";
		return List.of(new Result("reconcile, first run (" + resources + ")", medianMillis(oursFirst),
				medianMillis(rawFirst), "ms"),
				new Result("reconcile, no-op run (" + resources + ")", medianMillis(oursAgain), medianMillis(rawAgain),
						"ms"));
	}

	private static JetStreamTopology topology() {
		JetStreamTopology.Builder builder = JetStreamTopology.builder();
		for (int i = 0; i < STREAMS; i++) {
			builder.stream(null, StreamDeclaration.builder("BENCH_" + i)
				.subjects("bench." + i + ".>")
				.maxAge(Duration.ofHours(1))
				.consumer(ConsumerDeclaration.builder("worker").ackWait(Duration.ofSeconds(30)).maxDeliver(5).build())
				.build(), DeclarationOrigin.code("benchmark"));
		}
		for (int i = 0; i < BUCKETS; i++) {
			builder.keyValue(null, new KeyValueDeclaration("BENCH_KV_" + i, 5, null, null, null, null, null, null,
					null, null), DeclarationOrigin.code("benchmark"));
		}
		return builder.build();
	}

	private static JetStreamReconciler reconciler(NatsServer server, JetStreamTopology topology) {
		// reconcile(connection) uses the given connection; the manager is never started
		NatsConnectionManager unused = new NatsConnectionManager(Options.builder().server(server.url()).build(),
				Duration.ofSeconds(1), false);
		return new JetStreamReconciler(unused, topology, ReconcileMode.UPDATE, true, Duration.ofSeconds(5));
	}

	private static void createRaw(JetStreamManagement jsm, KeyValueManagement kvm) throws Exception {
		for (int i = 0; i < STREAMS; i++) {
			jsm.addStream(StreamConfiguration.builder()
				.name("BENCH_" + i)
				.subjects("bench." + i + ".>")
				.maxAge(Duration.ofHours(1))
				.build());
			jsm.createConsumer("BENCH_" + i, ConsumerConfiguration.builder()
				.durable("worker")
				.ackWait(Duration.ofSeconds(30))
				.maxDeliver(5)
				.build());
		}
		for (int i = 0; i < BUCKETS; i++) {
			kvm.create(KeyValueConfiguration.builder().name("BENCH_KV_" + i).maxHistoryPerKey(5).build());
		}
	}

	private static void lookUpRaw(JetStreamManagement jsm, KeyValueManagement kvm) throws Exception {
		for (int i = 0; i < STREAMS; i++) {
			jsm.getStreamInfo("BENCH_" + i);
			jsm.getConsumerInfo("BENCH_" + i, "worker");
		}
		for (int i = 0; i < BUCKETS; i++) {
			kvm.getStatus("BENCH_KV_" + i);
		}
	}

	private static void require(ReconcileReport report, ResourceStatus status) {
		if (report.resources().size() != 2 * STREAMS + BUCKETS
				|| !report.resources().stream().allMatch((r) -> r.status() == status)) {
			throw new IllegalStateException("Unexpected reconciliation: " + report);
		}
	}

	static double medianMillis(List<Long> nanos) {
		List<Long> sorted = new ArrayList<>(nanos);
		sorted.sort(null);
		return sorted.get(sorted.size() / 2) / 1_000_000.0;
	}

}
