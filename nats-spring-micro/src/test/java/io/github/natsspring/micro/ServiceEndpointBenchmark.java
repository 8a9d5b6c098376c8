package io.github.natsspring.micro;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.test.NatsServerExtension;

/**
 * Ad-hoc measurement, not part of the test suite (the class name matches no surefire pattern): a
 * {@code @NatsEndpoint} against a raw jnats handler doing the same work on the same server in the same run. Run with
 * {@code ./mvnw -q test -pl nats-spring-micro -am -Dtest=ServiceEndpointBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipCompatTests}.
 */
class ServiceEndpointBenchmark {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withConfig((builder) -> builder.jetStream(false));

	private static final int SYNC = Integer.getInteger("bench.sync", 10_000);

	private static final int ASYNC = Integer.getInteger("bench.async", 100_000);

	private static final int WINDOW = 1000;

	private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

	@Test
	void endpointAgainstRawHandler() throws Exception {
		byte[] payload = new byte[128];
		Arrays.fill(payload, (byte) 'x');
		List<String> rows = new ArrayList<>();
		MicroTestSupport.runner(nats)
			.withUserConfiguration(EchoService.class, SerialEchoService.class)
			.withPropertyValues("logging.level.io.github.natsspring=WARN")
			.run((context) -> {
				try (Connection raw = Nats.connect(new Options.Builder().server(nats.url()).build());
						Connection responder = Nats.connect(new Options.Builder().server(nats.url()).build())) {
					Dispatcher dispatcher = responder
						.createDispatcher((message) -> responder.publish(message.getReplyTo(), message.getData()));
					dispatcher.subscribe("bench.raw.echo", "q");
					responder.flush(Duration.ofSeconds(2));
					NatsTemplate template = context.getBean(NatsTemplate.class);

					rows.add(best("sync request-reply", "raw jnats -> raw handler",
							() -> sync(raw, "bench.raw.echo", payload)));
					rows.add(best("sync request-reply", "raw jnats -> @NatsEndpoint",
							() -> sync(raw, "bench.endpoint.echo", payload)));
					rows.add(best("sync request-reply", "NatsTemplate.request -> @NatsEndpoint",
							() -> syncTemplate(template, "bench.endpoint.echo", payload)));
					rows.add(best(WINDOW + " in flight", "raw jnats -> raw handler",
							() -> windowed(raw, "bench.raw.echo", payload)));
					rows.add(best(WINDOW + " in flight", "raw jnats -> @NatsEndpoint (concurrency 16)",
							() -> windowed(raw, "bench.endpoint.echo", payload)));
					rows.add(best(WINDOW + " in flight", "raw jnats -> @NatsEndpoint (concurrency 1)",
							() -> windowed(raw, "bench.serial.echo", payload)));
				}
			});
		System.out.println("| scenario | variant | req/s | p50 µs | p99 µs |\n|---|---|---:|---:|---:|");
		rows.forEach(System.out::println);
	}

	private static String best(String scenario, String variant, Run run) throws Exception {
		run.once(); // warm-up
		Measurement top = null;
		for (int i = 0; i < ROUNDS; i++) {
			Measurement measurement = run.once();
			if (top == null || measurement.perSecond() > top.perSecond()) {
				top = measurement;
			}
		}
		return String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %s |", scenario, variant, top.perSecond(),
				top.percentile(50), top.percentile(99));
	}

	private static Measurement sync(Connection raw, String subject, byte[] payload) throws Exception {
		long[] latencies = new long[SYNC];
		long start = System.nanoTime();
		for (int i = 0; i < SYNC; i++) {
			long before = System.nanoTime();
			Message reply = raw.request(subject, payload, Duration.ofSeconds(5));
			if (reply == null) {
				throw new IllegalStateException("no reply");
			}
			latencies[i] = System.nanoTime() - before;
		}
		return new Measurement(SYNC, System.nanoTime() - start, latencies);
	}

	private static Measurement syncTemplate(NatsTemplate template, String subject, byte[] payload) {
		long[] latencies = new long[SYNC];
		long start = System.nanoTime();
		for (int i = 0; i < SYNC; i++) {
			long before = System.nanoTime();
			template.request(subject, payload, byte[].class);
			latencies[i] = System.nanoTime() - before;
		}
		return new Measurement(SYNC, System.nanoTime() - start, latencies);
	}

	private static Measurement windowed(Connection raw, String subject, byte[] payload) throws Exception {
		Semaphore window = new Semaphore(WINDOW);
		AtomicLong failures = new AtomicLong();
		long[] latencies = new long[ASYNC];
		long start = System.nanoTime();
		for (int i = 0; i < ASYNC; i++) {
			window.acquire();
			int index = i;
			long before = System.nanoTime();
			CompletableFuture<Message> reply = raw.requestWithTimeout(subject, payload, Duration.ofSeconds(30));
			reply.whenComplete((message, failure) -> {
				latencies[index] = System.nanoTime() - before;
				if (failure != null) {
					failures.incrementAndGet();
				}
				window.release();
			});
		}
		if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("replies missing");
		}
		long elapsed = System.nanoTime() - start;
		if (failures.get() > 0) {
			throw new IllegalStateException(failures.get() + " requests failed");
		}
		return new Measurement(ASYNC, elapsed, latencies);
	}

	@FunctionalInterface
	interface Run {

		Measurement once() throws Exception;

	}

	record Measurement(int operations, long nanos, long[] latencies) {

		double perSecond() {
			return this.operations / (this.nanos / 1e9);
		}

		String percentile(int percentile) {
			long[] sorted = this.latencies.clone();
			Arrays.sort(sorted);
			int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
			return String.format(Locale.ROOT, "%.0f", sorted[Math.max(0, index)] / 1000.0);
		}

	}

	@NatsService(name = "bench", version = "1.0.0")
	static class EchoService {

		@NatsEndpoint(subject = "bench.endpoint.echo")
		byte[] echo(byte[] payload) {
			return payload;
		}

	}

	@NatsService(name = "bench-serial", version = "1.0.0", concurrency = "1")
	static class SerialEchoService {

		@NatsEndpoint(subject = "bench.serial.echo")
		byte[] echo(byte[] payload) {
			return payload;
		}

	}

}
