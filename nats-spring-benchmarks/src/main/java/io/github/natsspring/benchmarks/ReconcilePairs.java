package io.github.natsspring.benchmarks;

import java.time.Duration;
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
 * Startup cost of declared topology: 50 streams with one consumer each and 10 KV buckets, reconciled on an empty
 * server (everything created) and again (nothing to do). Raw jnats does what an application without the starter
 * does: create each resource, and on a later start look each one up. Each run gets a fresh server; ops/s counts
 * resources.
 */
final class ReconcilePairs {

	private static final int STREAMS = 50;

	private static final int BUCKETS = 10;

	private static final int RESOURCES = 2 * STREAMS + BUCKETS;

	private static final String FIRST = "reconcile, first start (" + RESOURCES + " resources)";

	private static final String AGAIN = "reconcile, nothing to do (" + RESOURCES + " resources)";

	private ReconcilePairs() {
	}

	/**
	 * The pairs; their operations are resources, so their scale does not follow the run's message count.
	 */
	static List<Pair> all() {
		return List.of(new Pair(FIRST, new Reconcile(true, true), new Reconcile(false, true), Pair.Goal.none(), 0),
				new Pair(AGAIN, new Reconcile(true, false), new Reconcile(false, false), Pair.Goal.none(), 0));
	}

	private record Reconcile(boolean raw, boolean first) implements Side {

		@Override
		public String label() {
			return this.raw ? "raw jnats" : "JetStreamReconciler";
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			try (NatsServer server = NatsServer.startJetStream(); Connection connection = Nats.connect(server.url())) {
				if (this.raw) {
					JetStreamManagement jsm = connection.jetStreamManagement();
					KeyValueManagement kvm = connection.keyValueManagement();
					if (!this.first) {
						createRaw(jsm, kvm);
					}
					long start = System.nanoTime();
					if (this.first) {
						createRaw(jsm, kvm);
					}
					else {
						lookUpRaw(jsm, kvm);
					}
					return result(start);
				}
				JetStreamReconciler reconciler = reconciler(server);
				if (!this.first) {
					require(reconciler.reconcile(connection), ResourceStatus.CREATED);
				}
				long start = System.nanoTime();
				ReconcileReport report = reconciler.reconcile(connection);
				Result result = result(start);
				require(report, this.first ? ResourceStatus.CREATED : ResourceStatus.UNCHANGED);
				return result;
			}
		}

		private Result result(long start) {
			return Result.throughput(RESOURCES, System.nanoTime() - start);
		}

	}

	private static JetStreamReconciler reconciler(NatsServer server) {
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
					null, null, null, null), DeclarationOrigin.code("benchmark"));
		}
		// reconcile(connection) works on the given connection; this manager is never started
		NatsConnectionManager unused = new NatsConnectionManager(Options.builder().server(server.url()).build(),
				Duration.ofSeconds(1), false);
		return new JetStreamReconciler(unused, builder.build(), ReconcileMode.UPDATE, true, Duration.ofSeconds(5));
	}

	private static void createRaw(JetStreamManagement jsm, KeyValueManagement kvm) throws Exception {
		for (int i = 0; i < STREAMS; i++) {
			jsm.addStream(StreamConfiguration.builder()
				.name("BENCH_" + i)
				.subjects("bench." + i + ".>")
				.maxAge(Duration.ofHours(1))
				.build());
			jsm.createConsumer("BENCH_" + i,
					ConsumerConfiguration.builder().durable("worker").ackWait(Duration.ofSeconds(30)).maxDeliver(5).build());
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
		if (report.resources().size() != RESOURCES
				|| !report.resources().stream().allMatch((resource) -> resource.status() == status)) {
			throw new IllegalStateException("Unexpected reconciliation: " + report);
		}
	}

}
