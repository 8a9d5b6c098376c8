package io.github.natsspring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;

import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * JetStream consumption with explicit acks: a {@code @JetStreamListener} (durable pull consumer, ack after the
 * method returned) against raw jnats {@code consume()} acking in its handler. Both read the same number of stored
 * 128-byte messages from the same file stream; the clock runs from starting the consumer to the last message
 * handled. The listener runs with its default pull batch (100 messages, chosen so that messages waiting in the
 * client do not outlive the ack wait behind slow handlers) and with jnats' default of 500.
 */
public final class JetStreamScenarios {

	private static final String CONSUME = "jetstream consume + ack (" + CoreScenarios.PAYLOAD_SIZE + " B, file)";

	private JetStreamScenarios() {
	}

	public static List<Scenario> all() {
		return List.of(new RawConsume(),
				new ListenerConsume("@JetStreamListener", BenchmarkJetStream.LISTENER_ID, "bench.js.starter"),
				new ListenerConsume("@JetStreamListener(batchSize = \"500\")",
						BenchmarkJetStream.LARGE_BATCH_LISTENER_ID, "bench.js.starter500"));
	}

	/**
	 * Empties the stream and stores the messages the round consumes.
	 */
	static void store(Connection raw, String subject, int count) throws Exception {
		JetStreamManagement jsm = raw.jetStreamManagement();
		jsm.purgeStream(BenchmarkJetStream.STREAM);
		JetStream js = raw.jetStream();
		byte[] payload = CoreScenarios.payload();
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

	private static void await(CountDownLatch latch, String what) throws InterruptedException {
		if (!latch.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException(what + ": " + latch.getCount() + " messages never arrived");
		}
	}

	static final class RawConsume implements Scenario {

		@Override
		public String name() {
			return CONSUME;
		}

		@Override
		public String variant() {
			return "raw jnats consume()";
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			Connection raw = environment.raw();
			store(raw, "bench.js.raw", operations);
			raw.jetStreamManagement()
				.addOrUpdateConsumer(BenchmarkJetStream.STREAM, ConsumerConfiguration.builder()
					.durable("bench-raw")
					.filterSubject("bench.js.raw")
					.ackPolicy(AckPolicy.Explicit)
					.build());
			CountDownLatch latch = new CountDownLatch(operations);
			long start = System.nanoTime();
			ConsumerContext consumer = raw.getConsumerContext(BenchmarkJetStream.STREAM, "bench-raw");
			MessageConsumer messages = consumer.consume(ConsumeOptions.DEFAULT_CONSUME_OPTIONS, (message) -> {
				message.ack();
				latch.countDown();
			});
			await(latch, name());
			long elapsed = System.nanoTime() - start;
			messages.stop();
			messages.close();
			return new Result(name(), variant(), operations, Duration.ofNanos(elapsed), new long[0]);
		}

	}

	static final class ListenerConsume implements Scenario {

		private final String variant;

		private final String listenerId;

		private final String subject;

		ListenerConsume(String variant, String listenerId, String subject) {
			this.variant = variant;
			this.listenerId = listenerId;
			this.subject = subject;
		}

		@Override
		public String name() {
			return CONSUME;
		}

		@Override
		public String variant() {
			return this.variant;
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			store(environment.raw(), this.subject, operations);
			NatsListenerEndpointRegistry registry = environment.bean(NatsListenerEndpointRegistry.class);
			CountDownLatch latch = environment.bean(BenchmarkJetStream.class).expect(operations);
			long start = System.nanoTime();
			registry.startContainer(this.listenerId);
			await(latch, name());
			long elapsed = System.nanoTime() - start;
			registry.stopContainer(this.listenerId);
			return new Result(name(), variant(), operations, Duration.ofNanos(elapsed), new long[0]);
		}

	}

}
