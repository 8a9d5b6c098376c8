package io.github.natsspring.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;

import io.github.natsspring.core.NatsTemplate;

/**
 * Core NATS: publish to a subscriber (throughput) and synchronous request-reply (latency).
 */
public final class CoreScenarios {

	static final int PAYLOAD_SIZE = 128;

	private static final String PUBSUB = "core pub/sub (" + PAYLOAD_SIZE + " B)";

	private static final String REQUEST = "core request-reply (" + PAYLOAD_SIZE + " B)";

	private CoreScenarios() {
	}

	public static List<Scenario> all() {
		return List.of(new RawPubSub(), new StarterPubSub(), new RawRequestReply(), new StarterRequestReply());
	}

	static byte[] payload() {
		byte[] payload = new byte[PAYLOAD_SIZE];
		java.util.Arrays.fill(payload, (byte) 'x');
		return payload;
	}

	private static void await(CountDownLatch latch, String what) throws InterruptedException {
		if (!latch.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException(what + ": " + latch.getCount() + " messages never arrived");
		}
	}

	static final class RawPubSub implements Scenario {

		@Override
		public String name() {
			return PUBSUB;
		}

		@Override
		public String variant() {
			return "raw jnats";
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			Connection raw = environment.raw();
			CountDownLatch latch = new CountDownLatch(operations);
			Dispatcher dispatcher = raw.createDispatcher((message) -> latch.countDown());
			dispatcher.setPendingLimits(-1, -1);
			dispatcher.subscribe("bench.raw.pubsub");
			raw.flush(Duration.ofSeconds(5));
			byte[] payload = payload();
			long start = System.nanoTime();
			for (int i = 0; i < operations; i++) {
				raw.publish("bench.raw.pubsub", payload);
			}
			CoreScenarios.await(latch, name());
			long elapsed = System.nanoTime() - start;
			raw.closeDispatcher(dispatcher);
			return new Result(name(), variant(), operations, Duration.ofNanos(elapsed), new long[0]);
		}

	}

	static final class StarterPubSub implements Scenario {

		@Override
		public String name() {
			return PUBSUB;
		}

		@Override
		public String variant() {
			return "NatsTemplate -> @NatsListener";
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			NatsTemplate template = environment.bean(NatsTemplate.class);
			CountDownLatch latch = environment.bean(BenchmarkListeners.class).expect(operations);
			byte[] payload = payload();
			long start = System.nanoTime();
			for (int i = 0; i < operations; i++) {
				template.publish("bench.starter.pubsub", payload);
			}
			CoreScenarios.await(latch, name());
			long elapsed = System.nanoTime() - start;
			return new Result(name(), variant(), operations, Duration.ofNanos(elapsed), new long[0]);
		}

	}

	static final class RawRequestReply implements Scenario {

		@Override
		public String name() {
			return REQUEST;
		}

		@Override
		public String variant() {
			return "raw jnats";
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			Connection raw = environment.raw();
			Dispatcher responder = raw.createDispatcher((message) -> raw.publish(message.getReplyTo(), message.getData()));
			responder.subscribe("bench.raw.echo");
			raw.flush(Duration.ofSeconds(5));
			byte[] payload = payload();
			long[] latencies = new long[operations];
			long start = System.nanoTime();
			for (int i = 0; i < operations; i++) {
				long before = System.nanoTime();
				raw.request("bench.raw.echo", payload, Duration.ofSeconds(5));
				latencies[i] = System.nanoTime() - before;
			}
			long elapsed = System.nanoTime() - start;
			raw.closeDispatcher(responder);
			return new Result(name(), variant(), operations, Duration.ofNanos(elapsed), latencies);
		}

	}

	static final class StarterRequestReply implements Scenario {

		@Override
		public String name() {
			return REQUEST;
		}

		@Override
		public String variant() {
			return "NatsTemplate.request -> @NatsListener";
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			NatsTemplate template = environment.bean(NatsTemplate.class);
			byte[] payload = payload();
			long[] latencies = new long[operations];
			long start = System.nanoTime();
			for (int i = 0; i < operations; i++) {
				long before = System.nanoTime();
				template.request("bench.starter.echo", payload, byte[].class);
				latencies[i] = System.nanoTime() - before;
			}
			long elapsed = System.nanoTime() - start;
			return new Result(name(), variant(), operations, Duration.ofNanos(elapsed), latencies);
		}

	}

}
