package io.github.natsspring.jetstream.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.autoconfigure.NatsHealthContributorAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsMetricsAutoConfiguration;
import io.github.natsspring.health.NatsHealthContributor;
import io.github.natsspring.test.NatsServer;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.jetstream.listener.JetStreamTesting.consumer;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.read;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.settled;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What must not lose messages: a server restart mid-stream, a dead-letter stream that cannot store, an application
 * shutting down mid-stream, a consumer deleted under the listener; and what operators see (health, metrics).
 */
@ExtendWith(OutputCaptureExtension.class)
class JetStreamListenerResilienceTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	@Test
	@Tag("compat")
	void everyAcknowledgedPublishIsHandledAcrossAServerRestart() throws Exception {
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start()) {
			JetStreamTesting.runner(server.url())
				.withPropertyValues("nats.reconnect.wait=200ms", "nats.jetstream.streams[RESTART].subjects=restart.>",
						"nats.jetstream.streams[RESTART].storage=file")
				.withUserConfiguration(RestartListener.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					RestartListener listener = context.getBean(RestartListener.class);
					Set<String> acknowledged = ConcurrentHashMap.newKeySet();
					AtomicBoolean publishing = new AtomicBoolean(true);
					Thread publisher = new Thread(() -> publish(server, acknowledged, publishing), "test-publisher");
					publisher.start();
					await().atMost(Duration.ofSeconds(10)).until(() -> listener.handled.size() > 300);
					server.stop();
					Thread.sleep(500);
					server.start();
					await().atMost(Duration.ofSeconds(15)).until(() -> acknowledged.size() > 1500);
					publishing.set(false);
					publisher.join(10_000);
					await().atMost(Duration.ofSeconds(30)).until(() -> listener.handled.containsAll(acknowledged));
					assertThat(listener.handled).containsAll(acknowledged);
					try (Connection raw = Nats.connect(server.url())) {
						await().atMost(Duration.ofSeconds(10)).until(() -> settled(raw, "RESTART", "restart"));
					}
				});
		}
	}

	@Test
	void deDuplicationHandlesTheNewMessagesOfAStreamRecreatedAfterAServerRestart() throws Exception {
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start()) {
			JetStreamTesting.runner(server.url())
				.withPropertyValues("nats.reconnect.wait=200ms", "nats.jetstream.streams[FRESH].subjects=fresh.>",
						"nats.jetstream.streams[FRESH].storage=memory", "nats.jetstream.listener.dedupe.storage=file",
						"nats.jetstream.listener.dedupe.bucket=fresh-dedupe")
				.withUserConfiguration(FreshListener.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					FreshListener listener = context.getBean(FreshListener.class);
					try (Connection raw = Nats.connect(server.url())) {
						raw.jetStream().publish("fresh.x", "before".getBytes(StandardCharsets.UTF_8));
						await().atMost(Duration.ofSeconds(5))
							.until(() -> listener.bySequence.contains("before") && listener.byId.contains("before"));
					}
					// the memory stream comes back empty (the reconciler recreates it) and counts from 1 again; the
					// file bucket still remembers sequence 1 of the stream that was
					server.stop();
					server.start();
					try (Connection raw = Nats.connect(server.url())) {
						await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
							raw.jetStream().publish("fresh.x", "after".getBytes(StandardCharsets.UTF_8));
							return true;
						});
						await().atMost(Duration.ofSeconds(15))
							.until(() -> listener.bySequence.contains("after") && listener.byId.contains("after"));
					}
				});
		}
	}

	private static void publish(NatsServer server, Set<String> acknowledged, AtomicBoolean publishing) {
		Options options = new Options.Builder().server(server.url())
			.maxReconnects(-1)
			.reconnectWait(Duration.ofMillis(100))
			.build();
		try (Connection connection = Nats.connect(options)) {
			JetStream js = connection.jetStream();
			int i = 0;
			while (publishing.get()) {
				String id = "m-" + i++;
				try {
					js.publish("restart.x", id.getBytes(StandardCharsets.UTF_8));
					acknowledged.add(id);
				}
				catch (Exception ex) {
					// not acknowledged: the publisher would retry; the test only follows acknowledged ones
					Thread.sleep(20);
				}
				if (i % 50 == 0) {
					Thread.sleep(5);
				}
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	@Tag("compat")
	void aDeadLetterThatCannotBeStoredLeavesTheOriginalOnTheConsumer(CapturedOutput output) throws Exception {
		JetStreamTesting.runner(nats.url())
			.withPropertyValues("nats.jetstream.streams[FRAGILE].subjects=fragile.>",
					"nats.jetstream.streams[FRAGILE].storage=memory",
					"nats.jetstream.streams[PARKED].subjects=parked.>", "nats.jetstream.streams[PARKED].storage=memory")
			.withUserConfiguration(FragileListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				FragileListener listener = context.getBean(FragileListener.class);
				try (Connection raw = Nats.connect(nats.url())) {
					JetStreamManagement jsm = raw.jetStreamManagement();
					// the dead-letter stream goes away (deleted by an operator, lost with its server, ...)
					jsm.deleteStream("PARKED");
					PublishAck original = raw.jetStream().publish("fragile.x", "doomed".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(10))
						.until(() -> output.toString().contains("could not store the dead letter"));
					Thread.sleep(500);
					// the handler ran its two attempts, the message is still on the consumer, not acked nor terminated
					assertThat(listener.attempts.get()).isEqualTo(2);
					assertThat(consumer(raw, "FRAGILE", "fragile").getNumAckPending()).isEqualTo(1);
					jsm.addStream(StreamConfiguration.builder().name("PARKED").subjects("parked.>")
						.storageType(StorageType.Memory).build());
					List<Message> letters = read(raw, "PARKED", null, 1, Duration.ofSeconds(10));
					assertThat(letters).hasSize(1);
					assertThat(text(letters.get(0))).isEqualTo("doomed");
					assertThat(letters.get(0).getHeaders().getFirst(DeadLetterHeaders.REASON))
						.isEqualTo("max-deliver-exceeded");
					assertThat(letters.get(0).getHeaders().getFirst(DeadLetterHeaders.STREAM_SEQUENCE))
						.isEqualTo(Long.toString(original.getSeqno()));
					assertThat(Long.parseLong(letters.get(0).getHeaders().getFirst(DeadLetterHeaders.DELIVERY_COUNT)))
						.isGreaterThan(2);
					// the handler was not called again for deliveries beyond max-deliver
					assertThat(listener.attempts.get()).isEqualTo(2);
					await().atMost(Duration.ofSeconds(5)).until(() -> settled(raw, "FRAGILE", "fragile"));
				}
			});
	}

	@Test
	void onTheLastDeliveryTheServerAllowsAFailedDeadLetterIsHeldAndRetried(CapturedOutput output) throws Exception {
		JetStreamTesting.runner(nats.url())
			.withPropertyValues("nats.jetstream.streams[CAPPED].subjects=capped.>",
					"nats.jetstream.streams[CAPPED].storage=memory",
					"nats.jetstream.streams[CAPPED].consumers[capped].max-deliver=2",
					"nats.jetstream.streams[HELD].subjects=held.>", "nats.jetstream.streams[HELD].storage=memory")
			.withUserConfiguration(CappedListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection raw = Nats.connect(nats.url())) {
					JetStreamManagement jsm = raw.jetStreamManagement();
					jsm.deleteStream("HELD");
					raw.jetStream().publish("capped.x", "held".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(10))
						.until(() -> output.toString().contains("this was the last delivery the server allows"));
					jsm.addStream(StreamConfiguration.builder().name("HELD").subjects("held.>")
						.storageType(StorageType.Memory).build());
					List<Message> letters = read(raw, "HELD", null, 1, Duration.ofSeconds(10));
					assertThat(letters).singleElement()
						.satisfies((letter) -> assertThat(letter.getHeaders().getFirst(DeadLetterHeaders.DELIVERY_COUNT))
							.isEqualTo("2"));
					await().atMost(Duration.ofSeconds(5)).until(() -> settled(raw, "CAPPED", "capped"));
				}
			});
	}

	@Test
	@Tag("compat")
	void shutdownMidStreamAcksOnlyWhatWasHandledAndTheRestGoesToTheNextInstance() throws Exception {
		ApplicationContextRunner runner = JetStreamTesting.runner(nats.url())
			.withPropertyValues("nats.jetstream.streams[HANDOVER].subjects=handover.>",
					"nats.jetstream.streams[HANDOVER].storage=memory")
			.withUserConfiguration(HandoverListener.class);
		Set<String> returnedByFirst = ConcurrentHashMap.newKeySet();
		Set<String> startedByFirst = ConcurrentHashMap.newKeySet();
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			HandoverListener listener = context.getBean(HandoverListener.class);
			try (Connection raw = Nats.connect(nats.url())) {
				for (int i = 0; i < 60; i++) {
					raw.jetStream().publish("handover.x", ("h-" + i).getBytes(StandardCharsets.UTF_8));
				}
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.returned.size() >= 6);
			context.close();
			startedByFirst.addAll(listener.started);
			returnedByFirst.addAll(listener.returned);
		});
		// in-flight handlers finished within the shutdown timeout
		assertThat(returnedByFirst).isEqualTo(startedByFirst);
		runner.run((context) -> {
			HandoverListener next = context.getBean(HandoverListener.class);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> next.returned.size() + returnedByFirst.size() >= 60);
			Thread.sleep(300);
			// nothing acked by the first instance comes again, everything else does
			assertThat(next.started).doesNotContainAnyElementsOf(returnedByFirst);
			assertThat(next.returned.size() + returnedByFirst.size()).isEqualTo(60);
			try (Connection raw = Nats.connect(nats.url())) {
				await().atMost(Duration.ofSeconds(5)).until(() -> settled(raw, "HANDOVER", "handover"));
			}
		});
	}

	@Test
	@Tag("compat")
	void aDeletedConsumerIsReportedAndRecreatedAndHealthAndMetricsShowIt(CapturedOutput output) throws Exception {
		JetStreamTesting.runner(nats.url())
			.withConfiguration(AutoConfigurations.of(NatsMetricsAutoConfiguration.class,
					NatsHealthContributorAutoConfiguration.class))
			.withPropertyValues("nats.jetstream.streams[GONE].subjects=gone.>",
					"nats.jetstream.streams[GONE].storage=memory")
			.withUserConfiguration(MeterConfiguration.class, GoneListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				GoneListener listener = context.getBean(GoneListener.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				try (Connection raw = Nats.connect(nats.url())) {
					JetStream js = raw.jetStream();
					js.publish("gone.x", "one".getBytes(StandardCharsets.UTF_8));
					js.publish("gone.x", "fail-once".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(5)).until(() -> listener.handled.contains("fail-once"));
					await().atMost(Duration.ofSeconds(5))
						.until(() -> meters.find("nats.listener.ack.pending").gauge() != null
								&& meters.find("nats.listener.ack.pending").gauge().value() == 0.0);
					assertThat(meters.get("nats.listener").tags("listener", "gone", "outcome", "acked").timer().count())
						.isEqualTo(2);
					assertThat(meters.get("nats.listener").tags("listener", "gone", "outcome", "retried").timer().count())
						.isEqualTo(1);
					assertThat(meters.get("nats.listener.pending").tags("stream", "GONE", "consumer", "gone").gauge()
						.value()).isZero();
					Health health = health(context, "gone");
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("stream", "GONE")
						.containsEntry("consumer", "gone")
						.containsEntry("pending", 0L)
						.containsEntry("ackPending", 0L)
						.containsEntry("redelivered", 0L)
						.containsKey("lastActivity");

					raw.jetStreamManagement().deleteConsumer("GONE", "gone");
					await().atMost(Duration.ofSeconds(5))
						.until(() -> output.toString().contains("consumer GONE/gone no longer exists on the server"));
					await().atMost(Duration.ofSeconds(5))
						.until(() -> output.toString().contains("recreated consumer GONE/gone"));
					js.publish("gone.x", "after".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(10)).until(() -> listener.handled.contains("after"));
					await().atMost(Duration.ofSeconds(5))
						.until(() -> health(context, "gone").getStatus().equals(Status.UP));
				}
				context.getBean(io.github.natsspring.listener.NatsListenerEndpointRegistry.class).stopContainer("gone");
				assertThat(health(context, "gone").getStatus()).isEqualTo(Status.DOWN);
				assertThat(health(context, "gone").getDetails()).containsEntry("state", "stopped");
			});
	}

	@Test
	void aStreamDeletedWhileTheListenerRunsIsRecreatedAsDeclaredAndConsumptionGoesOn(CapturedOutput output)
			throws Exception {
		JetStreamTesting.runner(nats.url())
			.withPropertyValues("nats.jetstream.streams[LOST].subjects=lost.>",
					"nats.jetstream.streams[LOST].storage=memory",
					"nats.jetstream.listener.consumer-info-interval=200ms")
			.withUserConfiguration(LostListener.class)
			.run((context) -> {
				LostListener listener = context.getBean(LostListener.class);
				try (Connection raw = Nats.connect(nats.url())) {
					raw.jetStream().publish("lost.x", "before".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(5)).until(() -> listener.handled.contains("before"));
					raw.jetStreamManagement().deleteStream("LOST");
					await().atMost(Duration.ofSeconds(10))
						.until(() -> output.toString().contains("pulls again on LOST/lost"));
					assertThat(raw.jetStreamManagement().getStreamInfo("LOST").getConfiguration().getSubjects())
						.containsExactly("lost.>");
					raw.jetStream().publish("lost.x", "after".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(10)).until(() -> listener.handled.contains("after"));
				}
			});
	}

	@Test
	void takingOverAConsumerWithAServerSideLimitSaysWhyTheLimitIsLifted(CapturedOutput output) throws Exception {
		try (Connection raw = Nats.connect(nats.url())) {
			raw.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder()
				.name("LIMITED")
				.subjects("limited.>")
				.storageType(io.nats.client.api.StorageType.Memory)
				.build());
			raw.jetStreamManagement().addOrUpdateConsumer("LIMITED",
					io.nats.client.api.ConsumerConfiguration.builder().durable("limited").maxDeliver(5).build());
			JetStreamTesting.runner(nats.url()).withUserConfiguration(LimitedListener.class).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(raw.jetStreamManagement().getConsumerInfo("LIMITED", "limited").getConsumerConfiguration()
					.getMaxDeliver()).isEqualTo(-1);
				assertThat(output).contains("counts deliveries itself");
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class LostListener {

		final Set<String> handled = ConcurrentHashMap.newKeySet();

		@JetStreamListener(id = "lost", stream = "LOST", consumer = "lost")
		void onMessage(String payload) {
			this.handled.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LimitedListener {

		@JetStreamListener(id = "limited", stream = "LIMITED", consumer = "limited")
		void onMessage(String payload) {
		}

	}

	private static Health health(ConfigurableApplicationContext context, String listenerId) {
		NatsHealthContributor nats = context.getBean(NatsHealthContributor.class);
		CompositeHealthContributor listeners = (CompositeHealthContributor) nats.getContributor("listeners");
		return ((HealthIndicator) listeners.getContributor(listenerId)).health();
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
	static class RestartListener {

		final Set<String> handled = ConcurrentHashMap.newKeySet();

		@JetStreamListener(stream = "RESTART", consumer = "restart", concurrency = "2", ackWait = "2s")
		void onMessage(String payload) {
			this.handled.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FreshListener {

		final Set<String> bySequence = ConcurrentHashMap.newKeySet();

		final Set<String> byId = ConcurrentHashMap.newKeySet();

		@JetStreamListener(stream = "FRESH", consumer = "fresh-seq", dedupe = "sequence")
		void onSequence(String payload) {
			this.bySequence.add(payload);
		}

		// messages without an id fall back to the sequence
		@JetStreamListener(stream = "FRESH", consumer = "fresh-id", dedupe = "message-id")
		void onId(String payload) {
			this.byId.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FragileListener {

		final AtomicInteger attempts = new AtomicInteger();

		@JetStreamListener(stream = "FRAGILE", consumer = "fragile", maxDeliver = "2", nakDelay = "300ms",
				deadLetterSubject = "parked.fragile")
		void onMessage(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("always fails");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CappedListener {

		@JetStreamListener(stream = "CAPPED", consumer = "capped", nakDelay = "200ms", deadLetterSubject = "held.capped")
		void onMessage(String payload) {
			throw new IllegalStateException("always fails");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HandoverListener {

		final Set<String> started = ConcurrentHashMap.newKeySet();

		final Set<String> returned = ConcurrentHashMap.newKeySet();

		@JetStreamListener(stream = "HANDOVER", consumer = "handover", concurrency = "3", batchSize = "10")
		void onMessage(String payload) throws InterruptedException {
			this.started.add(payload);
			Thread.sleep(150);
			this.returned.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GoneListener {

		final Set<String> handled = ConcurrentHashMap.newKeySet();

		final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

		@JetStreamListener(id = "gone", stream = "GONE", consumer = "gone")
		void onMessage(String payload) {
			if (payload.equals("fail-once")
					&& this.attempts.computeIfAbsent(payload, (key) -> new AtomicInteger()).incrementAndGet() == 1) {
				throw new IllegalStateException("once");
			}
			this.handled.add(payload);
		}

	}

}
