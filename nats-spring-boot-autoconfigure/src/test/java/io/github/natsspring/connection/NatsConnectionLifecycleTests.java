package io.github.natsspring.connection;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.connection.NatsConnectionEvent.Type;
import io.github.natsspring.core.NatsNotConnectedException;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.health.NatsConnectionHealthIndicator;
import io.github.natsspring.test.NatsServer;
import io.github.natsspring.testsupport.FailureAnalyzers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Starting without NATS, surviving restarts, events, lame duck, slow consumers, server errors and graceful shutdown.
 */
@ExtendWith(OutputCaptureExtension.class)
class NatsConnectionLifecycleTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withUserConfiguration(Recorder.class)
		.withPropertyValues("nats.reconnect.wait=100ms", "nats.reconnect.jitter=10ms");

	@Test
	void startsWithoutServerAndConnectsAndSubscribesWhenOneAppears(CapturedOutput output) throws Exception {
		try (NatsServer server = NatsServer.builder().jetStream(false).build()) {
			this.runner.withPropertyValues("nats.servers=" + server.url()).run((context) -> {
				assertThat(context).hasNotFailed();
				NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
				assertThat(manager.getState()).isEqualTo(NatsConnectionState.CONNECTING);
				assertThat(health(manager).getStatus()).isEqualTo(Status.DOWN);
				assertThatExceptionOfType(NatsNotConnectedException.class)
					.isThrownBy(() -> context.getBean(NatsTemplate.class).publish("greetings", "too early"));
				assertThat(output).contains("NATS is not available").contains("keeps connecting in the background");

				server.start();
				await().atMost(Duration.ofSeconds(10)).until(() -> manager.getState() == NatsConnectionState.CONNECTED);
				assertThat(health(manager).getStatus()).isEqualTo(Status.UP);
				Recorder recorder = context.getBean(Recorder.class);
				await().untilAsserted(() -> {
					context.getBean(NatsTemplate.class).publish("greetings", "hello");
					assertThat(recorder.greetings.poll(200, TimeUnit.MILLISECONDS)).isEqualTo("hello");
				});
				assertThat(recorder.types()).contains(Type.CONNECT_FAILED, Type.CONNECTED);
			});
		}
	}

	@Test
	void failFastExplainsAnUnreachableServer() {
		this.runner.withPropertyValues("nats.servers=nats://127.0.0.1:1", "nats.fail-fast=true").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalyzers.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Could not connect to NATS at [nats://127.0.0.1:1]")
				.contains("no server could be reached");
			assertThat(analysis.getAction()).contains("Start a NATS server").contains("nats.fail-fast");
		});
	}

	@Test
	void serverRestartIsSurvivedAndSubscriptionsResume() {
		try (NatsServer server = NatsServer.builder().jetStream(false).build().start()) {
			this.runner.withPropertyValues("nats.servers=" + server.url()).run((context) -> {
				NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
				Recorder recorder = context.getBean(Recorder.class);
				NatsTemplate template = context.getBean(NatsTemplate.class);
				template.publish("greetings", "before");
				assertThat(recorder.greetings.poll(5, TimeUnit.SECONDS)).isEqualTo("before");

				server.stop();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> manager.getState() == NatsConnectionState.RECONNECTING);
				Health down = health(manager);
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails()).containsEntry("state", "RECONNECTING");

				server.start();
				await().atMost(Duration.ofSeconds(15)).until(() -> manager.getState() == NatsConnectionState.CONNECTED);
				await().untilAsserted(() -> {
					template.publish("greetings", "after");
					assertThat(recorder.greetings.poll(200, TimeUnit.MILLISECONDS)).isEqualTo("after");
				});
				assertThat(recorder.types()).containsSubsequence(Type.CONNECTED, Type.DISCONNECTED, Type.RECONNECTED);
			});
		}
	}

	@Test
	void stopAndStartAgainWhileNatsIsDownConnectsWhenItReturns() {
		try (NatsServer server = NatsServer.builder().jetStream(false).build().start()) {
			this.runner.withPropertyValues("nats.servers=" + server.url()).run((context) -> {
				NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
				Recorder recorder = context.getBean(Recorder.class);
				context.stop();
				server.stop();
				context.start();
				assertThat(manager.getState()).isEqualTo(NatsConnectionState.CONNECTING);
				assertThatExceptionOfType(NatsNotConnectedException.class)
					.isThrownBy(() -> context.getBean(NatsTemplate.class).publish("greetings", "while down"));
				server.start();
				await().atMost(Duration.ofSeconds(10)).until(() -> manager.getState() == NatsConnectionState.CONNECTED);
				await().untilAsserted(() -> {
					context.getBean(NatsTemplate.class).publish("greetings", "back");
					assertThat(recorder.greetings.poll(200, TimeUnit.MILLISECONDS)).isEqualTo("back");
				});
			});
		}
	}

	@Test
	void workWaitingForALateConnectionRunsInRegistrationOrder() throws Exception {
		try (NatsServer server = NatsServer.builder().jetStream(false).build()) {
			NatsConnectionManager manager = new NatsConnectionManager(new io.nats.client.Options.Builder()
				.server(server.url())
				.reconnectWait(Duration.ofMillis(50))
				.build(), Duration.ofSeconds(1), false);
			manager.start();
			List<String> order = new CopyOnWriteArrayList<>();
			manager.whenConnected((connection) -> {
				sleep(500);
				order.add("reconcile");
			});
			server.start();
			await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
				.until(() -> manager.getState() == NatsConnectionState.CONNECTED);
			// registered while the first callback still runs: must not overtake it
			manager.whenConnected((connection) -> order.add("listeners"));
			await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 2);
			assertThat(order).containsExactly("reconcile", "listeners");
			manager.stop();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void failFastKeepsNoSecretInTheCauseChain() {
		this.runner.withPropertyValues("nats.servers=nats://app:Chain-Secret-9@127.0.0.1:1", "nats.fail-fast=true")
			.run((context) -> {
				java.io.StringWriter trace = new java.io.StringWriter();
				context.getStartupFailure().printStackTrace(new java.io.PrintWriter(trace));
				assertThat(trace.toString()).contains("127.0.0.1:1").doesNotContain("Chain-Secret-9");
			});
	}

	@Test
	void lameDuckModeIsReported() {
		try (NatsServer server = NatsServer.builder().jetStream(false).config("lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"10s\"").build().start()) {
			this.runner.withPropertyValues("nats.servers=" + server.url()).run((context) -> {
				server.enterLameDuckMode();
				Recorder recorder = context.getBean(Recorder.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> recorder.types().contains(Type.LAME_DUCK));
			});
			server.kill();
		}
	}

	@Test
	void serverErrorsAndSlowConsumersAreReportedAsEvents(CapturedOutput output) {
		String permissions = "authorization { users: [ { user: app, password: app-pass, permissions: { "
				+ "publish: { deny: [\"forbidden.>\"] } } } ] }";
		try (NatsServer server = NatsServer.builder().jetStream(false).config(permissions).build().start()) {
			this.runner.withPropertyValues("nats.servers=" + server.url(), "nats.username=app", "nats.password=app-pass")
				.run((context) -> {
					Recorder recorder = context.getBean(Recorder.class);
					NatsTemplate template = context.getBean(NatsTemplate.class);
					template.publish("forbidden.topic", "x");
					await().atMost(Duration.ofSeconds(5)).until(() -> recorder.types().contains(Type.SERVER_ERROR));
					assertThat(recorder.events.stream().filter((e) -> e.getType() == Type.SERVER_ERROR).findFirst().orElseThrow().getDetail())
						.containsIgnoringCase("permissions violation");

					// a subscription that cannot keep up: small pending limit, blocked handler
					Connection connection = context.getBean(Connection.class);
					Dispatcher dispatcher = connection.createDispatcher((message) -> Thread.sleep(2000));
					dispatcher.setPendingLimits(5, 1024 * 1024);
					dispatcher.subscribe("firehose");
					connection.flush(Duration.ofSeconds(2));
					for (int i = 0; i < 50; i++) {
						template.publish("firehose", "message " + i);
					}
					await().atMost(Duration.ofSeconds(5)).until(() -> recorder.types().contains(Type.SLOW_CONSUMER));
					connection.closeDispatcher(dispatcher);
				});
			assertThat(output).doesNotContain("app-pass");
		}
	}

	@Test
	void shutdownFinishesEveryMessageAlreadyHandedToAListener() throws Exception {
		try (NatsServer server = NatsServer.builder().jetStream(false).build().start();
				Connection publisher = Nats.connect(server.url())) {
			SlowListener.started.set(0);
			SlowListener.finished.set(0);
			ConfigurableApplicationContext[] holder = new ConfigurableApplicationContext[1];
			this.runner.withUserConfiguration(SlowListener.class)
				.withPropertyValues("nats.servers=" + server.url(), "nats.listener.shutdown-timeout=20s")
				.run((context) -> {
					for (int i = 0; i < 12; i++) {
						publisher.publish("slow.work", ("job-" + i).getBytes());
					}
					publisher.flush(Duration.ofSeconds(2));
					await().atMost(Duration.ofSeconds(5)).until(() -> SlowListener.started.get() >= 4);
					holder[0] = context;
					// leaving run() closes the context while messages are in flight
				});
			assertThat(holder[0].isActive()).isFalse();
			assertThat(SlowListener.finished.get()).isEqualTo(12);
			assertThat(SlowListener.interrupted.get()).isZero();
		}
	}

	private static Health health(NatsConnectionManager manager) {
		return new NatsConnectionHealthIndicator(manager).health();
	}

	@Configuration(proxyBeanMethods = false)
	static class Recorder implements ApplicationListener<NatsConnectionEvent> {

		final List<NatsConnectionEvent> events = new CopyOnWriteArrayList<>();

		final BlockingQueue<String> greetings = new LinkedBlockingQueue<>();

		@Override
		public void onApplicationEvent(NatsConnectionEvent event) {
			this.events.add(event);
		}

		List<Type> types() {
			return this.events.stream().map(NatsConnectionEvent::getType).toList();
		}

		@NatsListener(subject = "greetings")
		void greet(String text) {
			this.greetings.add(text);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SlowListener {

		static final AtomicInteger started = new AtomicInteger();

		static final AtomicInteger finished = new AtomicInteger();

		static final AtomicInteger interrupted = new AtomicInteger();

		@NatsListener(subject = "slow.work", concurrency = "4")
		void work(String job) {
			started.incrementAndGet();
			try {
				Thread.sleep(400);
				finished.incrementAndGet();
			}
			catch (InterruptedException ex) {
				interrupted.incrementAndGet();
				Thread.currentThread().interrupt();
			}
		}

	}

}
