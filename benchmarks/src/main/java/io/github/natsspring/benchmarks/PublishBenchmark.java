package io.github.natsspring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import tools.jackson.databind.json.JsonMapper;

import io.github.natsspring.core.DefaultNatsMessageConverter;
import io.github.natsspring.jetstream.JetStreamTemplate;
import io.github.natsspring.jetstream.PublishResult;
import io.github.natsspring.test.NatsServer;

/**
 * JetStreamTemplate against raw jnats, 128-byte messages into a file stream, synchronously (one ack at a time) and
 * asynchronously (all published, then all acks awaited; ours bounded by max-in-flight 4096, raw jnats unbounded).
 */
final class PublishBenchmark {

	private static final int SYNC_MESSAGES = 5_000;

	private static final int ASYNC_MESSAGES = 100_000;

	private static final byte[] PAYLOAD = new byte[128];

	private PublishBenchmark() {
	}

	static List<Result> run() throws Exception {
		try (NatsServer server = NatsServer.startJetStream(); Connection connection = Nats.connect(server.url())) {
			connection.jetStreamManagement()
				.addStream(StreamConfiguration.builder()
					.name("PUBLISH")
					.subjects("publish.>")
					.storageType(StorageType.File)
					.build());
			JetStreamTemplate template = new JetStreamTemplate(() -> connection,
					new DefaultNatsMessageConverter(JsonMapper.builder().build()), Duration.ofSeconds(10), 4096);
			JetStream js = connection.jetStream();
			// warm up both paths
			oursSync(template, 1_000);
			rawSync(js, 1_000);
			oursAsync(template, 10_000);
			rawAsync(js, 10_000);
			List<Result> results = new ArrayList<>();
			double oursSync = best(() -> oursSync(template, SYNC_MESSAGES));
			double rawSync = best(() -> rawSync(js, SYNC_MESSAGES));
			results.add(new Result("publish sync (" + SYNC_MESSAGES + " x 128 B, file)", oursSync, rawSync, "msg/s"));
			double oursAsync = best(() -> oursAsync(template, ASYNC_MESSAGES));
			double rawAsync = best(() -> rawAsync(js, ASYNC_MESSAGES));
			results.add(new Result("publish async (" + ASYNC_MESSAGES + " x 128 B, file)", oursAsync, rawAsync,
					"msg/s"));
			return results;
		}
	}

	private static double best(Measurement measurement) throws Exception {
		double best = 0;
		for (int i = 0; i < 3; i++) {
			best = Math.max(best, measurement.messagesPerSecond());
		}
		return best;
	}

	private static double oursSync(JetStreamTemplate template, int count) {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			template.publish("publish.sync", PAYLOAD);
		}
		return rate(count, start);
	}

	private static double rawSync(JetStream js, int count) throws Exception {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			js.publish("publish.sync", PAYLOAD);
		}
		return rate(count, start);
	}

	private static double oursAsync(JetStreamTemplate template, int count) throws Exception {
		long start = System.nanoTime();
		List<CompletableFuture<PublishResult>> acks = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			acks.add(template.publishAsync("publish.async", PAYLOAD));
		}
		CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
		return rate(count, start);
	}

	private static double rawAsync(JetStream js, int count) throws Exception {
		long start = System.nanoTime();
		List<CompletableFuture<PublishAck>> acks = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			acks.add(js.publishAsync("publish.async", PAYLOAD));
		}
		CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
		return rate(count, start);
	}

	private static double rate(int count, long start) {
		return count / ((System.nanoTime() - start) / 1_000_000_000.0);
	}

	@FunctionalInterface
	private interface Measurement {

		double messagesPerSecond() throws Exception;

	}

}
