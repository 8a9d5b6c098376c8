package io.github.natsspring.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import io.github.natsspring.core.NatsTemplate;

/**
 * Services: a {@code @NatsEndpoint} against a raw jnats handler in the same queue group setup, one request at a time
 * (latency) and with many requests in flight (throughput).
 */
public final class MicroScenarios {

	static final int IN_FLIGHT = 1000;

	private static final String REQUEST = "service request-reply (" + CoreScenarios.PAYLOAD_SIZE + " B)";

	private static final String IN_FLIGHT_REQUESTS = "service requests, " + IN_FLIGHT + " in flight ("
			+ CoreScenarios.PAYLOAD_SIZE + " B)";

	private static final String RAW = "raw jnats handler";

	private static final String ENDPOINT = "@NatsEndpoint";

	private MicroScenarios() {
	}

	public static List<Scenario> all() {
		return List.of(new Sync(RAW, "bench.raw.service.echo"),
				new Sync("NatsTemplate.request -> " + ENDPOINT, "bench.service.echo"),
				new InFlight(RAW, "bench.raw.service.echo"), new InFlight(ENDPOINT, "bench.service.echo"));
	}

	/**
	 * Runs a raw echo responder (queue group {@code q}, like a service endpoint) for the raw variants.
	 */
	private static <T> T withRawResponder(Connection raw, String subject, boolean rawSide, Work<T> work)
			throws Exception {
		if (!rawSide) {
			return work.run();
		}
		Dispatcher responder = raw.createDispatcher((message) -> raw.publish(message.getReplyTo(), message.getData()));
		responder.subscribe(subject, "q");
		raw.flush(Duration.ofSeconds(5));
		try {
			return work.run();
		}
		finally {
			raw.closeDispatcher(responder);
		}
	}

	@FunctionalInterface
	private interface Work<T> {

		T run() throws Exception;

	}

	static final class Sync implements Scenario {

		private final String variant;

		private final String subject;

		Sync(String variant, String subject) {
			this.variant = variant;
			this.subject = subject;
		}

		@Override
		public String name() {
			return REQUEST;
		}

		@Override
		public String variant() {
			return this.variant;
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			boolean rawSide = this.variant.equals(RAW);
			Connection raw = environment.raw();
			NatsTemplate template = environment.bean(NatsTemplate.class);
			byte[] payload = CoreScenarios.payload();
			return withRawResponder(raw, this.subject, rawSide, () -> {
				long[] latencies = new long[operations];
				long start = System.nanoTime();
				for (int i = 0; i < operations; i++) {
					long before = System.nanoTime();
					if (rawSide) {
						raw.request(this.subject, payload, Duration.ofSeconds(5));
					}
					else {
						template.request(this.subject, payload, byte[].class);
					}
					latencies[i] = System.nanoTime() - before;
				}
				return new Result(name(), variant(), operations, Duration.ofNanos(System.nanoTime() - start),
						latencies);
			});
		}

	}

	static final class InFlight implements Scenario {

		private final String variant;

		private final String subject;

		InFlight(String variant, String subject) {
			this.variant = variant;
			this.subject = subject;
		}

		@Override
		public String name() {
			return IN_FLIGHT_REQUESTS;
		}

		@Override
		public String variant() {
			return this.variant;
		}

		@Override
		public Result run(BenchmarkEnvironment environment, int operations) throws Exception {
			Connection raw = environment.raw();
			byte[] payload = CoreScenarios.payload();
			return withRawResponder(raw, this.subject, this.variant.equals(RAW), () -> {
				Semaphore window = new Semaphore(IN_FLIGHT);
				AtomicLong failures = new AtomicLong();
				long[] latencies = new long[operations];
				long start = System.nanoTime();
				for (int i = 0; i < operations; i++) {
					window.acquire();
					int index = i;
					long before = System.nanoTime();
					CompletableFuture<Message> reply = raw.requestWithTimeout(this.subject, payload,
							Duration.ofSeconds(30));
					reply.whenComplete((message, failure) -> {
						latencies[index] = System.nanoTime() - before;
						if (failure != null) {
							failures.incrementAndGet();
						}
						window.release();
					});
				}
				if (!window.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
					throw new IllegalStateException(name() + ": replies missing");
				}
				long elapsed = System.nanoTime() - start;
				if (failures.get() > 0) {
					throw new IllegalStateException(name() + ": " + failures.get() + " requests failed");
				}
				return new Result(name(), variant(), operations, Duration.ofNanos(elapsed), latencies);
			});
		}

	}

}
