package io.github.natsspring.soak;

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

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.micro.NatsEndpoint;
import io.github.natsspring.micro.NatsService;
import io.github.natsspring.test.NatsServer;

/**
 * A soak run of the JetStream listener as issue 10 saw it stall: bursts of stored messages for a
 * {@code @JetStreamListener} at its defaults (max-ack-pending 10000 on its consumer), and between them idle gaps of
 * 10–20 s in which the same connection carries a flood of core messages to a {@code @NatsListener} and requests to a
 * {@code @NatsEndpoint}. Each burst must be handled within the timeout, or the run ends with the consumer info, the
 * listener's health details and the NATS threads' stacks.
 * <p>
 * Arguments (optional): {@code bursts=<n>} (20), {@code burst=<messages>} (50000), {@code timeout=<seconds>} (150),
 * {@code restart=true} to start the listener for each burst and stop it afterwards.
 */
@SpringBootApplication
public class SoakMain {

	public static void main(String[] args) throws Exception {
		int bursts = 20;
		int burstSize = 50_000;
		int timeoutSeconds = 150;
		boolean restart = false;
		for (String arg : args) {
			String[] pair = arg.split("=", 2);
			switch (pair[0]) {
				case "bursts" -> bursts = Integer.parseInt(pair[1]);
				case "burst" -> burstSize = Integer.parseInt(pair[1]);
				case "timeout" -> timeoutSeconds = Integer.parseInt(pair[1]);
				case "restart" -> restart = Boolean.parseBoolean(pair[1]);
				default -> throw new IllegalArgumentException("Unknown argument " + arg);
			}
		}
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start();
				Connection load = Nats.connect(server.url());
				ConfigurableApplicationContext context = new SpringApplicationBuilder(SoakMain.class)
					.web(WebApplicationType.NONE)
					.run("--nats.servers=" + server.url(), "--spring.main.banner-mode=off",
							"--logging.level.root=WARN", "--logging.level.io.github.natsspring=INFO",
							"--nats.jetstream.streams.SOAK.subjects=soak.>",
							"--nats.jetstream.streams.SOAK.consumers.worker.max-ack-pending=10000")) {
			Handlers handlers = context.getBean(Handlers.class);
			NatsListenerEndpointRegistry registry = context.getBean(NatsListenerEndpointRegistry.class);
			if (restart) {
				// as the benchmark harness runs it: started for each burst, stopped after it
				registry.stopContainer("soak");
			}
			JetStream js = load.jetStream();
			byte[] payload = new byte[128];
			long expected = 0;
			for (int burst = 1; burst <= bursts; burst++) {
				long start = System.nanoTime();
				store(js, payload, burstSize);
				expected += burstSize;
				if (restart) {
					registry.startContainer("soak");
				}
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
				while (handlers.stored.get() < expected && System.nanoTime() < deadline) {
					Thread.sleep(50);
				}
				ConsumerInfo info = load.jetStreamManagement().getConsumerInfo("SOAK", "worker");
				System.out.printf("burst %d: handled %d/%d in %d ms; server: pending %d, ack pending %d, waiting %d%n",
						burst, handlers.stored.get(), expected, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
						info.getNumPending(), info.getNumAckPending(), info.getNumWaiting());
				if (handlers.stored.get() < expected) {
					System.out.println("STALLED: listener " + context.getBean(NatsListenerEndpointRegistry.class)
						.getContainer("soak")
						.describe());
					for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
						if (thread.getThreadName().startsWith("nats")) {
							System.out.print(thread);
						}
					}
					System.exit(1);
				}
				if (restart) {
					registry.stopContainer("soak");
				}
				idle(load, payload);
			}
			System.out.println("no stall in " + bursts + " bursts");
		}
		System.exit(0);
	}

	private static void store(JetStream js, byte[] payload, int count) throws Exception {
		List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			acks.add(js.publishAsync("soak.work", payload));
			if (acks.size() >= 5000) {
				CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
				acks.clear();
			}
		}
		CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
	}

	/**
	 * 10–20 s in which the connection carries 200,000 core messages and 40,000 requests (500 in flight).
	 */
	private static void idle(Connection load, byte[] payload) throws Exception {
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(10_000, 20_000));
		for (int i = 0; i < 200_000; i++) {
			load.publish("flood.soak", payload);
		}
		Semaphore window = new Semaphore(500);
		for (int i = 0; i < 40_000; i++) {
			window.acquire();
			load.requestWithTimeout("svc.soak.echo", payload, Duration.ofSeconds(10)).whenComplete((m, f) -> window.release());
		}
		window.acquire(500);
		while (System.nanoTime() < until) {
			Thread.sleep(100);
		}
	}

	/** The application's handlers. */
	@Component
	static class Handlers {

		final AtomicLong stored = new AtomicLong();

		final AtomicLong flood = new AtomicLong();

		@JetStreamListener(id = "soak", stream = "SOAK", consumer = "worker")
		void onStored(byte[] payload) {
			this.stored.incrementAndGet();
		}

		@NatsListener(subject = "flood.soak")
		void onFlood(byte[] payload) {
			this.flood.incrementAndGet();
		}

	}

	/** The service. */
	@NatsService(name = "soak", version = "1.0.0")
	static class Echo {

		@NatsEndpoint(subject = "svc.soak.echo")
		byte[] echo(byte[] payload) {
			return payload;
		}

	}

}
