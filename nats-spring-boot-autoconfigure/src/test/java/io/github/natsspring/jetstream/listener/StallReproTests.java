package io.github.natsspring.jetstream.listener;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamListenerAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.test.NatsServer;

/** Temporary: reproduces the stall of issue 10 with production defaults. */
@EnabledIfSystemProperty(named = "stall.repro", matches = "true")
class StallReproTests {

	@Test
	void repro() throws Exception {
		int bursts = Integer.getInteger("stall.bursts", 12);
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start();
				Connection raw = Nats.connect(server.url())) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class,
						NatsListenerAutoConfiguration.class, NatsJetStreamAutoConfiguration.class,
						NatsJetStreamListenerAutoConfiguration.class, JacksonAutoConfiguration.class))
				.withPropertyValues("nats.servers=" + server.url(), "nats.jetstream.streams[STALL].subjects=stall.>",
						"nats.jetstream.streams[STALL].consumers[worker].max-ack-pending=10000")
				.withUserConfiguration(Listeners.class)
				.run((context) -> {
					Listeners listeners = context.getBean(Listeners.class);
					JetStream js = raw.jetStream();
					byte[] payload = new byte[128];
					long expected = 0;
					for (int burst = 1; burst <= bursts; burst++) {
						List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
						for (int i = 0; i < 50_000; i++) {
							acks.add(js.publishAsync("stall.work", payload));
							if (acks.size() >= 5000) {
								CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
								acks.clear();
							}
						}
						CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
						expected += 50_000;
						long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
						while (listeners.stored.get() < expected && System.nanoTime() < deadline) {
							Thread.sleep(100);
						}
						ConsumerInfo info = raw.jetStreamManagement().getConsumerInfo("STALL", "worker");
						System.out.println("REPRO burst " + burst + ": handled " + listeners.stored.get() + "/" + expected
								+ " pending " + info.getNumPending() + " ackPending " + info.getNumAckPending()
								+ " waiting " + info.getNumWaiting() + " container "
								+ context.getBean(NatsListenerEndpointRegistry.class).getContainer("stalled").describe());
						if (listeners.stored.get() < expected) {
							for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
								if (thread.getThreadName().startsWith("nats")) {
									System.out.println(thread);
								}
							}
							throw new AssertionError("STALLED at burst " + burst);
						}
						long idleUntil = System.nanoTime()
								+ TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(10_000, 20_000));
						for (int i = 0; i < 200_000; i++) {
							raw.publish("flood.x", payload);
						}
						Semaphore window = new Semaphore(500);
						for (int i = 0; i < 40_000; i++) {
							window.acquire();
							raw.requestWithTimeout("echo", payload, Duration.ofSeconds(10))
								.whenComplete((m, f) -> window.release());
						}
						window.acquire(500);
						while (System.nanoTime() < idleUntil) {
							Thread.sleep(100);
						}
					}
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final AtomicLong stored = new AtomicLong();

		final AtomicLong flood = new AtomicLong();

		@JetStreamListener(id = "stalled", stream = "STALL", consumer = "worker")
		void onStored(byte[] payload) {
			this.stored.incrementAndGet();
		}

		@NatsListener(subject = "flood.x")
		void onFlood(byte[] payload) {
			this.flood.incrementAndGet();
		}

		@NatsListener(subject = "echo")
		byte[] echo(byte[] payload) {
			return payload;
		}

	}

}
