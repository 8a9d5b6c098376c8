package io.github.natsspring.jetstream.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.autoconfigure.NatsMetricsAutoConfiguration;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.jetstream.listener.JetStreamTesting.consumer;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.read;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.settled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a durable listener paces itself against the server: messages waiting in the client and handlers that take
 * long are kept in progress (but not forever), pulls stay within the consumer's limits and do not spin when the
 * server ends them at once, and what the listener counts is what happened.
 */
@ExtendWith(OutputCaptureExtension.class)
class JetStreamListenerFlowTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	static Connection raw;

	final ApplicationContextRunner runner = JetStreamTesting.runner(nats.url());

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(nats.url());
	}

	@AfterAll
	static void close() throws Exception {
		raw.close();
	}

	@Test
	@Tag("compat")
	void messagesWaitingInTheClientForAWorkerAreKeptInProgress() {
		this.runner
			.withPropertyValues("nats.jetstream.streams[BUFFERED].subjects=buffered.>",
					"nats.jetstream.streams[BUFFERED].storage=memory")
			.withUserConfiguration(BufferedListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BufferedListener listener = context.getBean(BufferedListener.class);
				// 12 messages of 300ms each at concurrency 2 take 1.8s, the ack wait is 1s: the last ones wait in
				// the client longer than the ack wait
				for (int i = 0; i < 12; i++) {
					raw.jetStream().publish("buffered.x", ("b-" + i).getBytes(StandardCharsets.UTF_8));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> settled(raw, "BUFFERED", "buffered"));
				Thread.sleep(300);
				assertThat(listener.deliveries).hasSize(12).allSatisfy((payload, count) -> assertThat(count.get())
					.as("deliveries of %s", payload)
					.isEqualTo(1));
				assertThat(consumer(raw, "BUFFERED", "buffered").getRedelivered()).isZero();
				assertThat(read(raw, "DLQ", "dlq.BUFFERED.buffered", 1, Duration.ofMillis(1000))).isEmpty();
			});
	}

	@Test
	void inProgressEndsAfterMaxInProgressAndAnAsyncResultIsNotAwaitedLonger(CapturedOutput output) {
		CountDownLatch release = new CountDownLatch(1);
		this.runner
			.withPropertyValues("nats.jetstream.streams[HUNG].subjects=hung.>",
					"nats.jetstream.streams[HUNG].storage=memory", "nats.jetstream.listener.max-in-progress=1500ms")
			.withBean(CountDownLatch.class, () -> release)
			.withUserConfiguration(HungListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HungListener listener = context.getBean(HungListener.class);
				try {
					raw.jetStream().publish("hung.sync", "stuck".getBytes(StandardCharsets.UTF_8));
					raw.jetStream().publish("hung.async", "never".getBytes(StandardCharsets.UTF_8));
					// after 1.5s in progress the listener stops signalling, after the ack wait (1s) the server
					// delivers the message again: the second delivery is handled
					await().atMost(Duration.ofSeconds(8))
						.until(() -> listener.completed.contains("stuck") && listener.completed.contains("never"));
					assertThat(output).contains("in progress for longer than max-in-progress (PT1.5S)");
					assertThat(output).contains("did not complete within max-in-progress (PT1.5S)");
					await().atMost(Duration.ofSeconds(5))
						.until(() -> settled(raw, "HUNG", "hung-sync") && settled(raw, "HUNG", "hung-async"));
				}
				finally {
					release.countDown();
				}
			});
	}

	@Test
	void aHandlerThatStillSignalsProgressIsNotStalled() {
		this.runner
			.withPropertyValues("nats.jetstream.streams[BUSY].subjects=busy.>",
					"nats.jetstream.streams[BUSY].storage=memory", "nats.jetstream.listener.stall-timeout=1s")
			.withUserConfiguration(BusyListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BusyListener listener = context.getBean(BusyListener.class);
				ListenerContainer container = context.getBean(NatsListenerEndpointRegistry.class).getContainer("busy");
				for (int i = 0; i < 4; i++) {
					raw.jetStream().publish("busy.x", ("w-" + i).getBytes(StandardCharsets.UTF_8));
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.handled.size() == 1);
				Set<Object> states = ConcurrentHashMap.newKeySet();
				long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2300);
				while (System.nanoTime() < until) {
					states.add(container.describe().get("state"));
					assertThat(container.isHealthy()).isTrue();
					Thread.sleep(50);
				}
				assertThat(states).containsOnly("consuming");
				await().atMost(Duration.ofSeconds(5)).until(() -> settled(raw, "BUSY", "busy"));
			});
	}

	@Test
	@Tag("compat")
	void pullsStayWithinTheConsumersLimits(CapturedOutput output) throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[LIMITS].subjects=limits.>",
					"nats.jetstream.streams[LIMITS].storage=memory",
					"nats.jetstream.streams[LIMITS].consumers[capped].max-batch=5",
					"nats.jetstream.streams[LIMITS].consumers[capped].max-expires=2s")
			.withUserConfiguration(CappedPullListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CappedPullListener listener = context.getBean(CappedPullListener.class);
				assertThat(output).contains("batchSize 100 is more than the max-batch 5 of consumer LIMITS/capped")
					.contains("expires PT3S is more than the max-expires PT2S of consumer LIMITS/capped");
				for (int i = 0; i < 12; i++) {
					raw.jetStream().publish("limits.x", ("l-" + i).getBytes(StandardCharsets.UTF_8));
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.handled.size() == 12);
				// a pull beyond the limits from elsewhere on the application's connection is refused, and said so
				Connection connection = context.getBean(NatsConnectionManager.class).getConnection();
				JetStreamSubscription pull = connection.jetStream()
					.subscribe(null, PullSubscribeOptions.fastBind("LIMITS", "capped"));
				pull.pull(50);
				assertThat(pull.nextMessage(Duration.ofMillis(500))).isNull();
				pull.unsubscribe();
				assertThat(output).contains("NATS refused a pull on consumer LIMITS/capped: 409 Exceeded MaxRequestBatch");
			});
	}

	@Test
	@Tag("compat")
	void aMessageLargerThanMaxBytesDoesNotMakeTheListenerSpin(CapturedOutput output) throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[BULKY].subjects=bulky.>",
					"nats.jetstream.streams[BULKY].storage=memory")
			.withUserConfiguration(SmallPullListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				AtomicInteger pulls = new AtomicInteger();
				Dispatcher spy = raw.createDispatcher((message) -> pulls.incrementAndGet());
				spy.subscribe("$JS.API.CONSUMER.MSG.NEXT.BULKY.small");
				raw.flush(Duration.ofSeconds(1));
				raw.jetStream().publish("bulky.x", new byte[2048]);
				Thread.sleep(2500);
				raw.closeDispatcher(spy);
				// backing off: a handful of pulls, not one after the other
				assertThat(pulls.get()).isBetween(1, 12);
				assertThat(output).contains("end at once without delivering a message")
					.contains("larger than maxBytes (1024)");
			});
	}

	@Test
	void whatIsCountedIsWhatHappenedWhenStopNakedAMessageWhoseHandlerReturnedLate() {
		this.runner
			.withConfiguration(AutoConfigurations.of(NatsMetricsAutoConfiguration.class))
			.withPropertyValues("nats.jetstream.streams[LATE].subjects=late.>",
					"nats.jetstream.streams[LATE].storage=memory", "nats.listener.shutdown-timeout=300ms")
			.withUserConfiguration(MeterConfiguration.class, LateListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LateListener listener = context.getBean(LateListener.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				raw.jetStream().publish("late.x", "late".getBytes(StandardCharsets.UTF_8));
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.started.get() == 1);
				// the shutdown timeout passes while the handler runs: the message is nak'ed, the late return
				// cannot ack it any more
				context.getBean(NatsListenerEndpointRegistry.class).stopContainer("late");
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.returned.get() == 1);
				Thread.sleep(100);
				assertThat(count(meters, "acked")).isZero();
				assertThat(count(meters, "retried")).isEqualTo(1);
			});
	}

	private static long count(MeterRegistry meters, String outcome) {
		Timer timer = meters.find("nats.listener").tags("listener", "late", "outcome", outcome).timer();
		return (timer != null) ? timer.count() : 0;
	}

	// --- listeners -------------------------------------------------------------------------------------------------

	@Configuration(proxyBeanMethods = false)
	static class MeterConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BufferedListener {

		final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

		@JetStreamListener(stream = "BUFFERED", consumer = "buffered", concurrency = "2", batchSize = "12",
				ackWait = "1s", maxDeliver = "1")
		void onMessage(String payload) throws InterruptedException {
			this.deliveries.computeIfAbsent(payload, (key) -> new AtomicInteger()).incrementAndGet();
			Thread.sleep(300);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HungListener {

		final Set<String> completed = ConcurrentHashMap.newKeySet();

		final CountDownLatch release;

		HungListener(CountDownLatch release) {
			this.release = release;
		}

		@JetStreamListener(stream = "HUNG", consumer = "hung-sync", filterSubjects = "hung.sync", concurrency = "2",
				ackWait = "1s")
		void onSync(String payload, JetStreamMetadata metadata) throws InterruptedException {
			if (metadata.deliveredCount() == 1) {
				this.release.await();
				return;
			}
			this.completed.add(payload);
		}

		@JetStreamListener(stream = "HUNG", consumer = "hung-async", filterSubjects = "hung.async", ackWait = "1s")
		CompletableFuture<Void> onAsync(String payload, JetStreamMetadata metadata) {
			if (metadata.deliveredCount() == 1) {
				return new CompletableFuture<>();
			}
			this.completed.add(payload);
			return CompletableFuture.completedFuture(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BusyListener {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@JetStreamListener(id = "busy", stream = "BUSY", consumer = "busy", batchSize = "1", ackWait = "1s")
		void onMessage(String payload) throws InterruptedException {
			this.handled.add(payload);
			if (payload.equals("w-0")) {
				Thread.sleep(2500);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CappedPullListener {

		final Set<String> handled = ConcurrentHashMap.newKeySet();

		@JetStreamListener(stream = "LIMITS", consumer = "capped", batchSize = "100", expires = "3s")
		void onMessage(String payload) {
			this.handled.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SmallPullListener {

		@JetStreamListener(stream = "BULKY", consumer = "small", maxBytes = "1KB")
		void onMessage(byte[] payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LateListener {

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger returned = new AtomicInteger();

		@JetStreamListener(id = "late", stream = "LATE", consumer = "late", concurrency = "2")
		void onMessage(String payload) {
			this.started.incrementAndGet();
			// ignores interrupts, like code that does not check them
			long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
			while (System.nanoTime() < until) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
			}
			this.returned.incrementAndGet();
		}

	}

}
