package io.github.natsspring.jetstream.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pull window: a default batch grows while handlers keep up and shrinks back to the batch when they slow down;
 * a batch the user set is never exceeded.
 */
class JetStreamListenerPullWindowTests {

	private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final PullSettings DEFAULT = new PullSettings(100, 500, Duration.ofSeconds(5), 0);

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
	void growsWhileHandlersSettleFastAndShrinksBackWhenTheySlowDown() {
		PullWindow window = new PullWindow();
		AtomicLong settled = new AtomicLong();
		assertThat(window.size(DEFAULT, settled::get, 0)).isEqualTo(100);
		// 2,000 settled in 100 ms: 20,000/s, half a second of that is far more than the maximum
		settled.set(2_000);
		assertThat(window.size(DEFAULT, settled::get, 100 * MS)).isEqualTo(500);
		// within a round (50 ms) nothing changes
		assertThat(window.size(DEFAULT, settled::get, 120 * MS)).isEqualTo(500);
		// 60 settled in the next 100 ms: 600/s, half a second of that is 300
		settled.addAndGet(60);
		assertThat(window.size(DEFAULT, settled::get, 200 * MS)).isEqualTo(300);
		// slow handlers (10/s): back to the batch, never below it
		settled.addAndGet(1);
		assertThat(window.size(DEFAULT, settled::get, 300 * MS)).isEqualTo(100);
		assertThat(PullWindow.topUp(500)).isEqualTo(125);
	}

	@Test
	void aBatchTheUserSetIsTheWindow() {
		PullWindow window = new PullWindow();
		PullSettings set = new PullSettings(50, 50, Duration.ofSeconds(5), 0);
		assertThat(window.size(set, () -> 0, 0)).isEqualTo(50);
		assertThat(window.size(set, () -> 1_000_000, 1_000 * MS)).isEqualTo(50);
	}

	@Test
	void aListenerAtItsDefaultsWidensItsWindowOnABacklogAndOneWithABatchSizeDoesNot() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[WINDOW].subjects=window.>",
					"nats.jetstream.streams[WINDOW].storage=memory")
			.withUserConfiguration(WindowListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NatsListenerEndpointRegistry registry = context.getBean(NatsListenerEndpointRegistry.class);
				WindowListeners listeners = context.getBean(WindowListeners.class);
				JetStream js = raw.jetStream();
				List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
				for (int i = 0; i < 20_000; i++) {
					String subject = (i % 2 == 0) ? "window.default" : "window.fixed";
					acks.add(js.publishAsync(subject, ("m-" + i).getBytes(StandardCharsets.UTF_8)));
				}
				CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
				AtomicInteger widest = new AtomicInteger();
				await().atMost(Duration.ofSeconds(60)).until(() -> {
					Object window = registry.getContainer("window-default").describe().get("pullWindow");
					if (window instanceof Integer size) {
						widest.accumulateAndGet(size, Math::max);
					}
					assertThat(registry.getContainer("window-fixed").describe()).doesNotContainKey("pullWindow")
						.containsEntry("batchSize", 100);
					return listeners.defaults.get() == 10_000 && listeners.fixed.get() == 10_000;
				});
				assertThat(widest.get()).as("widest pull window seen").isGreaterThan(100).isLessThanOrEqualTo(500);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class WindowListeners {

		final AtomicInteger defaults = new AtomicInteger();

		final AtomicInteger fixed = new AtomicInteger();

		@JetStreamListener(id = "window-default", stream = "WINDOW", consumer = "window-default",
				filterSubjects = "window.default")
		void onDefault(byte[] payload) {
			// fast, but not so fast that the backlog is gone between two looks at the health details
			LockSupport.parkNanos(100_000);
			this.defaults.incrementAndGet();
		}

		@JetStreamListener(id = "window-fixed", stream = "WINDOW", consumer = "window-fixed",
				filterSubjects = "window.fixed", batchSize = "100")
		void onFixed(byte[] payload) {
			this.fixed.incrementAndGet();
		}

	}

}
