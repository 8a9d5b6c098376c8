package io.github.natsspring.listener;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hand-off from a delivery thread to platform workers: never more than {@code concurrency} handlers at once,
 * the delivery thread held back once as many tasks again wait, and nothing handed over lost when stopping.
 */
class ListenerWorkersTests {

	@Test
	void runsAtMostConcurrencyAtOnceAndHoldsTheDeliveryThreadBackOnceAsManyAgainWait() throws Exception {
		ListenerWorkers workers = new ListenerWorkers("test-workers", 2, false);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		Runnable task = () -> {
			mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
			awaitQuietly(release);
			running.decrementAndGet();
			done.incrementAndGet();
		};
		for (int i = 0; i < 4; i++) {
			assertThat(workers.execute(task)).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 2);
		assertThat(workers.inFlight()).isEqualTo(2);
		CompletableFuture<Boolean> fifth = new CompletableFuture<>();
		Thread delivery = new Thread(() -> {
			try {
				fifth.complete(workers.execute(task));
			}
			catch (Throwable ex) {
				fifth.completeExceptionally(ex);
			}
		}, "test-delivery");
		delivery.start();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> delivery.getState() == Thread.State.WAITING
					|| delivery.getState() == Thread.State.TIMED_WAITING);
		assertThat(fifth).isNotDone();
		release.countDown();
		assertThat(fifth.get(5, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> done.get() == 5);
		assertThat(mostAtOnce.get()).isEqualTo(2);
		assertThat(workers.close(Duration.ofSeconds(5))).isTrue();
	}

	@Test
	void aDeliveryThreadHeldBackByBusyWorkersIsLetGoWhenTheyStop() throws Exception {
		ListenerWorkers workers = new ListenerWorkers("test-workers", 2, false);
		CountDownLatch release = new CountDownLatch(1);
		for (int i = 0; i < 4; i++) {
			workers.execute(() -> awaitQuietly(release));
		}
		// threads of their own: the common pool may have a single thread, which the held delivery would occupy
		ExecutorService threads = Executors.newCachedThreadPool();
		try {
			CompletableFuture<Boolean> held = CompletableFuture.supplyAsync(() -> {
				try {
					return workers.execute(() -> {
					});
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			}, threads);
			Thread.sleep(100);
			assertThat(held).isNotDone();
			CompletableFuture<Boolean> closed = CompletableFuture
				.supplyAsync(() -> workers.close(Duration.ofSeconds(10)), threads);
			assertThat(held.get(5, TimeUnit.SECONDS)).as("rejected, not taken").isFalse();
			release.countDown();
			assertThat(closed.get(15, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void stoppingWaitsForTasksStillQueuedBehindBusyWorkers() throws Exception {
		ListenerWorkers workers = new ListenerWorkers("test-workers", 2, false);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger done = new AtomicInteger();
		for (int i = 0; i < 4; i++) {
			workers.execute(() -> {
				awaitQuietly(release);
				done.incrementAndGet();
			});
		}
		CompletableFuture<Boolean> closed = new CompletableFuture<>();
		Thread stopping = new Thread(() -> closed.complete(workers.close(Duration.ofSeconds(10))), "test-stop");
		stopping.start();
		// the stop has begun once it waits for the handed-over tasks
		await().atMost(Duration.ofSeconds(5)).until(() -> stopping.getState() == Thread.State.TIMED_WAITING);
		assertThat(workers.execute(done::incrementAndGet)).as("taken after the stop began").isFalse();
		release.countDown();
		assertThat(closed.get(15, TimeUnit.SECONDS)).isTrue();
		assertThat(done.get()).as("the two running and the two queued").isEqualTo(4);
	}

	/** Blocks a worker until the test lets it go (at most 10 s, so a failing test still ends). */
	private static void awaitQuietly(CountDownLatch release) {
		try {
			release.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
