package io.github.natsspring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import io.github.natsspring.jetstream.JetStreamTemplate;

/**
 * JetStream publish with storage acks into a file stream: one at a time (each ack awaited) and asynchronously (all
 * published, then all acks awaited; the template bounds publishes in flight, raw jnats does not).
 */
public final class JetStreamPublishScenarios {

	private static final String STREAM = "BENCH_PUBLISH";

	private static final String SYNC = "jetstream publish, ack each (128 B, file)";

	private static final String ASYNC = "jetstream publish async (128 B, file)";

	private JetStreamPublishScenarios() {
	}

	public static List<Scenario> all() {
		return List.of(new Sync(true), new Sync(false), new Async(true), new Async(false));
	}

	static void ensureStream(BenchmarkEnvironment environment) throws Exception {
		JetStreamManagement jsm = environment.raw().jetStreamManagement();
		try {
			jsm.getStreamInfo(STREAM);
		}
		catch (JetStreamApiException ex) {
			jsm.addStream(StreamConfiguration.builder()
				.name(STREAM)
				.subjects("bench.publish.>")
				.storageType(StorageType.File)
				.build());
		}
	}

	private record Sync(boolean raw) implements Scenario {

		@Override
		public String name() {
			return SYNC;
		}

		@Override
		public String variant() {
			return this.raw ? "raw jnats" : "JetStreamTemplate.publish";
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			ensureStream(environment);
			int count = Math.max(100, operations / 40);
			byte[] payload = CoreScenarios.payload();
			JetStream js = environment.raw().jetStream();
			JetStreamTemplate template = environment.bean(JetStreamTemplate.class);
			long[] latencies = new long[count];
			long start = System.nanoTime();
			for (int i = 0; i < count; i++) {
				long before = System.nanoTime();
				if (this.raw) {
					js.publish("bench.publish.sync", payload);
				}
				else {
					template.publish("bench.publish.sync", payload);
				}
				latencies[i] = System.nanoTime() - before;
			}
			return new Result(name(), variant(), count, Duration.ofNanos(System.nanoTime() - start), latencies);
		}

	}

	private record Async(boolean raw) implements Scenario {

		@Override
		public String name() {
			return ASYNC;
		}

		@Override
		public String variant() {
			return this.raw ? "raw jnats (unbounded)" : "JetStreamTemplate.publishAsync";
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			ensureStream(environment);
			int count = Math.max(1000, operations / 2);
			byte[] payload = CoreScenarios.payload();
			JetStream js = environment.raw().jetStream();
			JetStreamTemplate template = environment.bean(JetStreamTemplate.class);
			List<CompletableFuture<?>> acks = new ArrayList<>(count);
			long start = System.nanoTime();
			for (int i = 0; i < count; i++) {
				acks.add(this.raw ? js.publishAsync("bench.publish.async", payload)
						: template.publishAsync("bench.publish.async", payload));
			}
			CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
			return new Result(name(), variant(), count, Duration.ofNanos(System.nanoTime() - start), new long[0]);
		}

	}

}
