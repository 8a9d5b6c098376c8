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
import io.nats.client.NUID;
import io.nats.client.impl.Headers;

import io.github.natsspring.core.NatsHeaders;

/**
 * Services: a raw requester on the load connection against a {@code @NatsEndpoint} or a jnats dispatcher that
 * replies (queue group {@code q}, like a service endpoint): with 500 requests in flight (throughput) and one at a
 * time (p50 latency).
 */
final class ServicePairs {

	static final int IN_FLIGHT = 500;

	private static final String RAW_SUBJECT = "bench.raw.service.echo";

	private ServicePairs() {
	}

	static List<Pair> all() {
		return List.of(
				Pair.throughput("@NatsEndpoint echo, " + IN_FLIGHT + " requests in flight (128 B)",
						Side.of("jnats dispatcher replying", (environment, operations) -> withRawResponder(environment, false,
								() -> inFlight(environment, RAW_SUBJECT, operations))),
						Side.of("@NatsEndpoint", (environment, operations) -> inFlight(environment,
								BenchmarkService.ECHO, operations)), 0.90),
				// no target: shows how much of the first pair's gap is the envelope every reply of the starter carries
				new Pair("@NatsEndpoint echo, 500 in flight, raw replies with the same envelope (128 B)",
						Side.of("jnats dispatcher replying with Message-Id, Correlation-Id",
								(environment, operations) -> withRawResponder(environment, true,
										() -> inFlight(environment, RAW_SUBJECT, operations))),
						Side.of("@NatsEndpoint", (environment, operations) -> inFlight(environment,
								BenchmarkService.ECHO, operations)), Pair.Goal.none(), 1.0),
				new Pair("@NatsEndpoint echo, one request at a time (128 B)",
						Side.of("jnats dispatcher replying", (environment, operations) -> withRawResponder(environment, false,
								() -> oneAtATime(environment, RAW_SUBJECT, operations))),
						Side.of("@NatsEndpoint",
								(environment, operations) -> oneAtATime(environment, BenchmarkService.ECHO, operations)),
						Pair.Goal.p50(1.10), 0.05),
				// no target: the same with concurrency = 1, handled on the dispatcher's thread (no hand-off to a worker)
				new Pair("@NatsEndpoint echo, one request at a time, concurrency 1 (128 B)",
						Side.of("jnats dispatcher replying", (environment, operations) -> withRawResponder(environment, false,
								() -> oneAtATime(environment, RAW_SUBJECT, operations))),
						Side.of("@NatsEndpoint, concurrency = \"1\"", (environment, operations) -> oneAtATime(environment,
								BenchmarkSingleHandlerService.ECHO, operations)),
						Pair.Goal.p50Only(), 0.05));
	}

	private static Result withRawResponder(BenchmarkEnvironment environment, boolean envelope, Work work)
			throws Exception {
		Connection raw = environment.raw();
		Dispatcher responder = raw.createDispatcher((message) -> {
			if (!envelope) {
				raw.publish(message.getReplyTo(), message.getData());
				return;
			}
			Headers headers = new Headers();
			String id = NUID.nextGlobal();
			headers.put(NatsHeaders.MESSAGE_ID, id);
			headers.put(NatsHeaders.CORRELATION_ID, id);
			raw.publish(message.getReplyTo(), headers, message.getData());
		});
		responder.subscribe(RAW_SUBJECT, "q");
		raw.flush(Duration.ofSeconds(5));
		try {
			return work.run();
		}
		finally {
			raw.closeDispatcher(responder);
		}
	}

	@FunctionalInterface
	private interface Work {

		Result run() throws Exception;

	}

	private static Result oneAtATime(BenchmarkEnvironment environment, String subject, int operations)
			throws Exception {
		Connection load = environment.load();
		byte[] payload = CorePairs.payload();
		long[] latencies = new long[operations];
		long start = System.nanoTime();
		for (int i = 0; i < operations; i++) {
			long before = System.nanoTime();
			Message reply = load.request(subject, payload, Duration.ofSeconds(5));
			if (reply == null) {
				throw new IllegalStateException(subject + ": no reply");
			}
			latencies[i] = System.nanoTime() - before;
		}
		return Result.latencies(operations, System.nanoTime() - start, latencies);
	}

	private static Result inFlight(BenchmarkEnvironment environment, String subject, int operations)
			throws Exception {
		Connection load = environment.load();
		byte[] payload = CorePairs.payload();
		Semaphore window = new Semaphore(IN_FLIGHT);
		AtomicLong failures = new AtomicLong();
		long[] latencies = new long[operations];
		long start = System.nanoTime();
		for (int i = 0; i < operations; i++) {
			window.acquire();
			int index = i;
			long before = System.nanoTime();
			CompletableFuture<Message> reply = load.requestWithTimeout(subject, payload, Duration.ofSeconds(30));
			reply.whenComplete((message, failure) -> {
				latencies[index] = System.nanoTime() - before;
				if (failure != null) {
					failures.incrementAndGet();
				}
				window.release();
			});
		}
		if (!window.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
			throw new IllegalStateException(subject + ": replies missing");
		}
		long elapsed = System.nanoTime() - start;
		if (failures.get() > 0) {
			throw new IllegalStateException(subject + ": " + failures.get() + " requests failed");
		}
		return Result.latencies(operations, elapsed, latencies);
	}

}
