package io.github.natsspring.micro;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.micro.MicroTestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Handlers in parallel up to the limit, discovery answered while they are busy, in-flight requests answered on
 * shutdown.
 */
class NatsServiceConcurrencyTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private final ApplicationContextRunner runner = MicroTestSupport.runner(nats);

	@Test
	void handlersRunInParallelUpToTheLimitAndDiscoveryIsAnsweredMeanwhile() {
		this.runner.withUserConfiguration(SlowService.class).withPropertyValues("slow.concurrency=3").run((context) -> {
			SlowService slow = context.getBean(SlowService.class);
			NatsServiceContainer service = service(context, "slow");
			assertThat(service.getDefinition().concurrency()).isEqualTo(3);
			try (Connection raw = Nats.connect(nats.url())) {
				List<CompletableFuture<Message>> replies = new ArrayList<>();
				for (int i = 0; i < 6; i++) {
					replies.add(raw.requestWithTimeout("slow.work", ("r" + i).getBytes(StandardCharsets.UTF_8),
							Duration.ofSeconds(10)));
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> slow.active.get() == 3);
				// all workers are blocked: discovery still answers, quickly
				long start = System.nanoTime();
				Message ping = raw.request("$SRV.PING.slow", new byte[0], Duration.ofSeconds(2));
				Message stats = raw.request("$SRV.STATS.slow." + service.getId(), new byte[0], Duration.ofSeconds(2));
				assertThat(ping).isNotNull();
				assertThat(stats).isNotNull();
				// the handlers stay blocked until released: any answer at all proves discovery does not wait for them
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
				MicroSchemas.assertValid("stats", stats.getData());
				assertThat(service.getInFlight()).isEqualTo(3);
				Thread.sleep(200);
				assertThat(slow.active.get()).isEqualTo(3);
				assertThat(replies).noneMatch(CompletableFuture::isDone);
				slow.release.countDown();
				for (CompletableFuture<Message> reply : replies) {
					Message message = reply.get(5, TimeUnit.SECONDS);
					assertThat(message.getHeaders().getFirst(NatsHeaders.SERVICE_ERROR_CODE)).isNull();
				}
				assertThat(slow.max.get()).isEqualTo(3);
				assertThat(NatsServiceRequestTests.stats(service, "work").numRequests()).isEqualTo(6);
			}
		});
	}

	@Test
	void aSingleSlowHandlerDoesNotDelayDiscovery() {
		this.runner.withUserConfiguration(SlowService.class).withPropertyValues("slow.concurrency=1").run((context) -> {
			SlowService slow = context.getBean(SlowService.class);
			try (Connection raw = Nats.connect(nats.url())) {
				CompletableFuture<Message> reply = raw.requestWithTimeout("slow.work", new byte[] { 'x' },
						Duration.ofSeconds(10));
				await().atMost(Duration.ofSeconds(5)).until(() -> slow.active.get() == 1);
				for (String verb : List.of("PING", "INFO", "STATS")) {
					assertThat(raw.request("$SRV." + verb + ".slow", new byte[0], Duration.ofSeconds(2))).as(verb)
						.isNotNull();
				}
				slow.release.countDown();
				assertThat(reply.get(5, TimeUnit.SECONDS).getData()).isEqualTo(new byte[] { 'x' });
			}
		});
	}

	@Test
	void shutdownAnswersRequestsInFlightAndWithdrawsDiscovery() {
		this.runner.withUserConfiguration(SlowService.class).withPropertyValues("slow.concurrency=2").run((context) -> {
			SlowService slow = context.getBean(SlowService.class);
			try (Connection raw = Nats.connect(nats.url())) {
				CompletableFuture<Message> first = raw.requestWithTimeout("slow.work", "one".getBytes(),
						Duration.ofSeconds(10));
				CompletableFuture<Message> second = raw.requestWithTimeout("slow.work", "two".getBytes(),
						Duration.ofSeconds(10));
				await().atMost(Duration.ofSeconds(5)).until(() -> slow.active.get() == 2);
				Thread closer = new Thread(context::close, "closer");
				closer.start();
				// the service withdraws from discovery at once, while its handlers still run
				await().atMost(Duration.ofSeconds(5))
					.until(() -> Discovery.collect(raw, "$SRV.PING.slow", new byte[0], 1, Duration.ofMillis(200))
						.isEmpty());
				assertThat(first).isNotDone();
				slow.release.countDown();
				assertThat(new String(first.get(5, TimeUnit.SECONDS).getData())).isEqualTo("one");
				assertThat(new String(second.get(5, TimeUnit.SECONDS).getData())).isEqualTo("two");
				closer.join(10_000);
				assertThat(closer.isAlive()).isFalse();
			}
		});
	}

	@Test
	void everyRequestDeliveredBeforeTheShutdownTimeoutIsAnsweredEvenIfNoWorkerGotToIt() {
		// 2 run, 2 wait in the workers' queue, 1 holds the delivery thread at the gate, 1 waits behind it
		List<String> codes = answersToSixRequestsStuckPastTheTimeout();
		// the two still running at the timeout are interrupted: their handlers failed (500); the two
		// queued, the one held at the gate and the one behind it are told the service is unavailable
		assertThat(codes).containsExactly("500", "500", "503", "503", "503", "503");
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void onVirtualThreadsTheRequestsNoHandlerGotToAreAnsweredAtTheShutdownTimeout() {
		// 2 run, 1 holds the delivery thread waiting for a free handler, 3 wait behind it
		List<String> codes = answersToSixRequestsStuckPastTheTimeout("spring.threads.virtual.enabled=true");
		// virtual threads are not interrupted: the two still running at the timeout never answer; the
		// four no handler got to are told the service is unavailable
		assertThat(codes.subList(2, 6)).containsExactly("503", "503", "503", "503");
	}

	/**
	 * Sends six requests to a service with concurrency 2 whose handlers block past its 1 s shutdown timeout, closes
	 * the context, then lets the handlers go.
	 * @return what each request was answered, in order: its service error code, "ok" or "no reply"
	 */
	private List<String> answersToSixRequestsStuckPastTheTimeout(String... properties) {
		List<String> codes = new ArrayList<>();
		this.runner.withUserConfiguration(SlowService.class)
			.withPropertyValues("slow.concurrency=2", "nats.micro.shutdown-timeout=1s")
			.withPropertyValues(properties)
			.run((context) -> {
				SlowService slow = context.getBean(SlowService.class);
				try (Connection raw = Nats.connect(nats.url())) {
					List<CompletableFuture<Message>> replies = new ArrayList<>();
					for (int i = 0; i < 6; i++) {
						replies.add(raw.requestWithTimeout("slow.work", ("r" + i).getBytes(StandardCharsets.UTF_8),
								Duration.ofSeconds(15)));
					}
					await().atMost(Duration.ofSeconds(5)).until(() -> slow.active.get() == 2);
					Thread closer = new Thread(context::close, "closer");
					closer.start();
					closer.join(15_000);
					assertThat(closer.isAlive()).isFalse();
					slow.release.countDown();
					codes.addAll(errorCodes(replies));
				}
			});
		return codes;
	}

	private static List<String> errorCodes(List<CompletableFuture<Message>> replies) throws InterruptedException {
		List<String> codes = new ArrayList<>();
		// one deadline for all: requests never answered do not wait in turn
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		for (CompletableFuture<Message> reply : replies) {
			try {
				Message message = reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				codes.add((message.getHeaders() != null)
						? message.getHeaders().getFirst(NatsHeaders.SERVICE_ERROR_CODE) : "ok");
			}
			catch (TimeoutException | ExecutionException | CancellationException ex) {
				codes.add("no reply");
			}
		}
		return codes;
	}

	@NatsService(name = "slow", version = "1.0.0", concurrency = "${slow.concurrency:3}")
	static class SlowService {

		final AtomicInteger active = new AtomicInteger();

		final AtomicInteger max = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		@NatsEndpoint(subject = "slow.work")
		String work(String body) throws InterruptedException {
			int now = this.active.incrementAndGet();
			this.max.accumulateAndGet(now, Math::max);
			try {
				this.release.await(20, TimeUnit.SECONDS);
				return body;
			}
			finally {
				this.active.decrementAndGet();
			}
		}

	}

}
