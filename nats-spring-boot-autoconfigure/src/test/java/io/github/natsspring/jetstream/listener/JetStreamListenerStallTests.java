package io.github.natsspring.jetstream.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.jetstream.listener.JetStreamTesting.consumer;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.settled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10's stall: a listener at its defaults that stopped consuming with messages stored for it, silently. The
 * loop of bursts, idle gaps and other traffic on the same connection (with a stop and start of the listener in
 * between, as the benchmark harness did) must keep consuming; and a listener that handles nothing while work waits,
 * whatever the cause, says so with the server's view, goes DOWN and recovers by itself.
 */
@ExtendWith(OutputCaptureExtension.class)
class JetStreamListenerStallTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	static Connection raw;

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(nats.url());
	}

	@AfterAll
	static void close() throws Exception {
		raw.close();
	}

	@Test
	void keepsConsumingThroughBurstsIdleGapsRestartsAndOtherTraffic() {
		JetStreamTesting.runner(nats.url())
			.withPropertyValues("nats.jetstream.streams[SOAK].subjects=soak.work",
					"nats.jetstream.streams[SOAK].storage=memory",
					"nats.jetstream.streams[SOAK].consumers[worker].max-ack-pending=10000",
					"nats.jetstream.listener.stall-timeout=3s")
			.withUserConfiguration(SoakListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SoakListeners listeners = context.getBean(SoakListeners.class);
				NatsListenerEndpointRegistry registry = context.getBean(NatsListenerEndpointRegistry.class);
				JetStream js = raw.jetStream();
				byte[] payload = new byte[128];
				long expected = 0;
				for (int burst = 1; burst <= 6; burst++) {
					publishStored(js, payload, 10_000);
					expected += 10_000;
					long target = expected;
					int round = burst;
					await().atMost(Duration.ofSeconds(30))
						.failFast(() -> registry.getContainer("soak").describe().get("state").equals("stalled"))
						.untilAsserted(() -> assertThat(listeners.stored.get()).as("handled after burst " + round)
							.isGreaterThanOrEqualTo(target));
					// other traffic on the same connection while the listener idles past its pulls' expiry
					long idleUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500 + 250L * burst);
					for (int i = 0; i < 20_000; i++) {
						raw.publish("soak.flood", payload);
					}
					Semaphore window = new Semaphore(200);
					for (int i = 0; i < 2_000; i++) {
						window.acquire();
						raw.requestWithTimeout("soak.echo", payload, Duration.ofSeconds(10))
							.whenComplete((reply, failure) -> window.release());
					}
					window.acquire(200);
					if (burst % 2 == 0) {
						registry.stopContainer("soak");
						registry.startContainer("soak");
					}
					while (System.nanoTime() < idleUntil) {
						Thread.sleep(50);
					}
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> settled(raw, "SOAK", "worker"));
				assertThat(listeners.stored.get()).isEqualTo(expected);
				assertThat(registry.getContainer("soak").isHealthy()).isTrue();
			});
	}

	@Test
	void aListenerThatHandlesNothingWhileMessagesWaitSaysSoGoesDownAndRecovers(CapturedOutput output)
			throws Exception {
		JetStreamTesting.runner(nats.url())
			.withPropertyValues("nats.jetstream.streams[HELD].subjects=held.>",
					"nats.jetstream.streams[HELD].storage=memory",
					"nats.jetstream.streams[HELD].consumers[worker].max-ack-pending=5",
					"nats.jetstream.listener.stall-timeout=1s")
			.withUserConfiguration(HeldListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HeldListener listener = context.getBean(HeldListener.class);
				ListenerContainer container = context.getBean(NatsListenerEndpointRegistry.class).getContainer("held");
				// another instance takes every message the consumer may have unacknowledged, and hangs on to them
				registryStop(context);
				for (int i = 0; i < 20; i++) {
					raw.jetStream().publish("held.x", ("h-" + i).getBytes(StandardCharsets.UTF_8));
				}
				JetStreamSubscription other = raw.jetStream()
					.subscribe(null, PullSubscribeOptions.fastBind("HELD", "worker"));
				List<Message> taken = other.fetch(5, Duration.ofSeconds(2));
				assertThat(taken).hasSize(5);
				registryStart(context);
				ConsumerInfo info = consumer(raw, "HELD", "worker");
				assertThat(info.getNumAckPending()).isEqualTo(5);
				await().atMost(Duration.ofSeconds(10)).until(() -> "stalled".equals(container.describe().get("state")));
				assertThat(container.isHealthy()).isFalse();
				assertThat(listener.handled.get()).isZero();
				assertThat(output).contains("@JetStreamListener held is stalled: it handled no message for PT1S while "
						+ "work waits on HELD/worker")
					.contains("num_pending=15, num_ack_pending=5 (max_ack_pending 5), num_waiting=")
					.contains("The consumer's max_ack_pending is reached");
				// the other instance lets go: the listener handles everything and is healthy again, by itself
				taken.forEach(Message::nak);
				await().atMost(Duration.ofSeconds(10)).until(() -> listener.handled.get() == 20);
				await().atMost(Duration.ofSeconds(5)).until(container::isHealthy);
				assertThat(output).contains("@JetStreamListener held handles messages again on HELD/worker");
				other.unsubscribe();
			});
	}

	@Test
	void aPausedConsumerIsReportedAndConsumedAgainOnceResumed(CapturedOutput output) throws Exception {
		JetStreamTesting.runner(nats.url())
			.withPropertyValues("nats.jetstream.streams[PAUSED].subjects=paused.>",
					"nats.jetstream.streams[PAUSED].storage=memory", "nats.jetstream.listener.stall-timeout=1s")
			.withUserConfiguration(PausedListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PausedListener listener = context.getBean(PausedListener.class);
				ListenerContainer container = context.getBean(NatsListenerEndpointRegistry.class)
					.getContainer("paused");
				raw.jetStreamManagement()
					.pauseConsumer("PAUSED", "worker", java.time.ZonedDateTime.now().plusMinutes(5));
				for (int i = 0; i < 10; i++) {
					raw.jetStream().publish("paused.x", ("p-" + i).getBytes(StandardCharsets.UTF_8));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> "stalled".equals(container.describe().get("state")));
				assertThat(container.isHealthy()).isFalse();
				assertThat(output).contains("@JetStreamListener paused is stalled")
					.contains("num_pending=10")
					.contains("Pulling again on a new subscription")
					.contains("@JetStreamListener paused starts a new pull loop on PAUSED/worker (stalled)");
				raw.jetStreamManagement().resumeConsumer("PAUSED", "worker");
				await().atMost(Duration.ofSeconds(15)).until(() -> listener.handled.get() == 10);
				await().atMost(Duration.ofSeconds(5)).until(container::isHealthy);
			});
	}

	private static void registryStop(org.springframework.context.ApplicationContext context) {
		context.getBean(NatsListenerEndpointRegistry.class).stopContainer("held");
	}

	private static void registryStart(org.springframework.context.ApplicationContext context) {
		context.getBean(NatsListenerEndpointRegistry.class).startContainer("held");
	}

	private static void publishStored(JetStream js, byte[] payload, int count) throws Exception {
		List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			acks.add(js.publishAsync("soak.work", payload));
			if (acks.size() >= 2000) {
				CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
				acks.clear();
			}
		}
		CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
	}

	@Configuration(proxyBeanMethods = false)
	static class SoakListeners {

		final AtomicLong stored = new AtomicLong();

		final AtomicLong flood = new AtomicLong();

		@JetStreamListener(id = "soak", stream = "SOAK", consumer = "worker")
		void onStored(byte[] payload) {
			this.stored.incrementAndGet();
		}

		@NatsListener(subject = "soak.flood")
		void onFlood(byte[] payload) {
			this.flood.incrementAndGet();
		}

		@NatsListener(subject = "soak.echo")
		byte[] echo(byte[] payload) {
			return payload;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HeldListener {

		final AtomicLong handled = new AtomicLong();

		@JetStreamListener(id = "held", stream = "HELD", consumer = "worker")
		void on(String body) {
			this.handled.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PausedListener {

		final AtomicLong handled = new AtomicLong();

		@JetStreamListener(id = "paused", stream = "PAUSED", consumer = "worker")
		void on(String body) {
			this.handled.incrementAndGet();
		}

	}

}
