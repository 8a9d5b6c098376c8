package io.github.natsspring.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.MessageConsumer;
import io.nats.client.NUID;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.jetstream.JetStreamTemplate;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * JetStream. Consuming with explicit acks: a {@code @JetStreamListener(byte[])} at its defaults (and with
 * concurrency 4) against jnats {@code consume()} at its defaults acking in its handler; both read the same number of
 * stored 128-byte messages from one file stream, and the clock runs from starting the consumer to the last message
 * handled. Publishing into a file stream: each storage ack awaited, and asynchronously (all published, then all acks
 * awaited; and, no target, against raw messages with the template's envelope).
 */
final class JetStreamPairs {

	private JetStreamPairs() {
	}

	static List<Pair> all() {
		Side raw = Side.of("jnats consume(), defaults, ack each", JetStreamPairs::rawConsume);
		return List.of(
				Pair.throughput("@JetStreamListener(byte[]) defaults, stored messages (128 B, file)", raw,
						Side.of("@JetStreamListener(byte[])", (environment, operations) -> listenerConsume(environment,
								BenchmarkJetStream.DEFAULTS, "bench.js.starter", operations)), 0.90),
				Pair.throughput("@JetStreamListener(byte[], concurrency = 4), stored messages (128 B, file)", raw,
						Side.of("@JetStreamListener(concurrency = \"4\")", (environment, operations) -> listenerConsume(
								environment, BenchmarkJetStream.CONCURRENT, "bench.js.starter-c4", operations)), 0.90),
				new Pair("JetStreamTemplate.publish, each ack awaited (128 B, file)",
						Side.of("JetStream.publish", (environment, operations) -> publishSync(environment, true, operations)),
						Side.of("JetStreamTemplate.publish",
								(environment, operations) -> publishSync(environment, false, operations)),
						Pair.Goal.throughput(0.95), 0.05),
				new Pair("JetStreamTemplate.publishAsync, all acks awaited (128 B, file)",
						Side.of("JetStream.publishAsync",
								(environment, operations) -> publishAsync(environment, true, operations)),
						Side.of("JetStreamTemplate.publishAsync",
								(environment, operations) -> publishAsync(environment, false, operations)),
						Pair.Goal.throughput(0.95), 0.5),
				// no target: how much of the pair above is the envelope every message of the template carries (stored
				// with the message by the server)
				new Pair("JetStreamTemplate.publishAsync, raw with the same envelope (128 B, file)",
						Side.of("JetStream.publishAsync with Message-Id, Correlation-Id",
								(environment, operations) -> publishAsyncWithEnvelope(environment, operations)),
						Side.of("JetStreamTemplate.publishAsync",
								(environment, operations) -> publishAsync(environment, false, operations)),
						Pair.Goal.none(), 0.5));
	}

	/**
	 * Empties the stream and stores the messages the round consumes.
	 */
	static void store(Connection load, String subject, int count) throws Exception {
		JetStreamManagement jsm = load.jetStreamManagement();
		jsm.purgeStream(BenchmarkJetStream.STREAM);
		JetStream js = load.jetStream();
		byte[] payload = CorePairs.payload();
		List<CompletableFuture<PublishAck>> acks = new ArrayList<>(4096);
		for (int i = 0; i < count; i++) {
			acks.add(js.publishAsync(subject, payload));
			if (acks.size() == 4096) {
				CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
				acks.clear();
			}
		}
		CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
	}

	private static Result rawConsume(BenchmarkEnvironment environment, int operations) throws Exception {
		store(environment.load(), "bench.js.raw", operations);
		Connection raw = environment.raw();
		raw.jetStreamManagement()
			.addOrUpdateConsumer(BenchmarkJetStream.STREAM, ConsumerConfiguration.builder()
				.durable("bench-raw")
				.filterSubject("bench.js.raw")
				.ackPolicy(AckPolicy.Explicit)
				.build());
		Countdown countdown = environment.bean(Countdown.class);
		countdown.expect(operations);
		long start = System.nanoTime();
		ConsumerContext consumer = raw.getConsumerContext(BenchmarkJetStream.STREAM, "bench-raw");
		try (MessageConsumer messages = consumer.consume(ConsumeOptions.DEFAULT_CONSUME_OPTIONS, (message) -> {
			message.ack();
			countdown.count(message.getData().length);
		})) {
			countdown.await("consume()");
			long elapsed = System.nanoTime() - start;
			messages.stop();
			return Result.throughput(operations, elapsed);
		}
	}

	private static Result listenerConsume(BenchmarkEnvironment environment, String listenerId, String subject,
			int operations) throws Exception {
		store(environment.load(), subject, operations);
		NatsListenerEndpointRegistry registry = environment.bean(NatsListenerEndpointRegistry.class);
		Countdown countdown = environment.bean(Countdown.class);
		countdown.expect(operations);
		long start = System.nanoTime();
		registry.startContainer(listenerId);
		try {
			countdown.await(listenerId);
			return Result.throughput(operations, System.nanoTime() - start);
		}
		finally {
			registry.stopContainer(listenerId);
		}
	}

	private static void purgePublishStream(BenchmarkEnvironment environment) throws Exception {
		environment.load().jetStreamManagement().purgeStream(BenchmarkJetStream.PUBLISH_STREAM);
	}

	private static Result publishSync(BenchmarkEnvironment environment, boolean raw, int operations)
			throws Exception {
		purgePublishStream(environment);
		byte[] payload = CorePairs.payload();
		JetStream js = environment.raw().jetStream();
		JetStreamTemplate template = environment.bean(JetStreamTemplate.class);
		long[] latencies = new long[operations];
		long start = System.nanoTime();
		for (int i = 0; i < operations; i++) {
			long before = System.nanoTime();
			if (raw) {
				js.publish("bench.publish.sync", payload);
			}
			else {
				template.publish("bench.publish.sync", payload);
			}
			latencies[i] = System.nanoTime() - before;
		}
		return Result.latencies(operations, System.nanoTime() - start, latencies);
	}

	private static Result publishAsync(BenchmarkEnvironment environment, boolean raw, int operations)
			throws Exception {
		JetStream js = environment.raw().jetStream();
		JetStreamTemplate template = environment.bean(JetStreamTemplate.class);
		return publishAsync(environment, operations, (subject, payload) -> raw ? js.publishAsync(subject, payload)
				: template.publishAsync(subject, payload));
	}

	private static Result publishAsyncWithEnvelope(BenchmarkEnvironment environment, int operations)
			throws Exception {
		JetStream js = environment.raw().jetStream();
		return publishAsync(environment, operations, (subject, payload) -> {
			Headers headers = new Headers();
			String id = NUID.nextGlobal();
			headers.put(NatsHeaders.MESSAGE_ID, id);
			headers.put(NatsHeaders.CORRELATION_ID, id);
			return js.publishAsync(NatsMessage.builder().subject(subject).headers(headers).data(payload).build());
		});
	}

	private static Result publishAsync(BenchmarkEnvironment environment, int operations, AsyncPublisher publisher)
			throws Exception {
		purgePublishStream(environment);
		byte[] payload = CorePairs.payload();
		List<CompletableFuture<?>> acks = new ArrayList<>(operations);
		long start = System.nanoTime();
		for (int i = 0; i < operations; i++) {
			acks.add(publisher.publish("bench.publish.async", payload));
		}
		CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
		return Result.throughput(operations, System.nanoTime() - start);
	}

	@FunctionalInterface
	private interface AsyncPublisher {

		CompletableFuture<?> publish(String subject, byte[] payload);

	}

}
