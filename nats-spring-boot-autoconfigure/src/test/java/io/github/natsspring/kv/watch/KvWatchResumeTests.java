package io.github.natsspring.kv.watch;

import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsHealthContributorAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsKvWatchAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.test.NatsServer;
import io.github.natsspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watchers across server restarts and missing buckets: they resume after the last revision they saw, so nothing
 * is missed and nothing is delivered twice.
 */
class KvWatchResumeTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				NatsKvWatchAutoConfiguration.class, NatsHealthContributorAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("nats.reconnect.wait=100ms", "nats.reconnect.jitter=10ms", "nats.drain-timeout=5s");

	@Test
	@Tag("compat")
	void serverRestartInTheMiddleOfUpdatesMissesNothingAndRepeatsNothing() throws Exception {
		try (NatsServer server = NatsServer.builder().build().start()) {
			Options options = new Options.Builder().server(server.url())
				.reconnectWait(Duration.ofMillis(100))
				.maxReconnects(-1)
				.build();
			try (Connection writer = Nats.connect(options)) {
				writer.keyValueManagement()
					.create(KeyValueConfiguration.builder()
						.name("EVENTS")
						.storageType(StorageType.File)
						.maxHistoryPerKey(5)
						.build());
				KeyValue kv = writer.keyValue("EVENTS");
				for (int i = 0; i < 50; i++) {
					kv.put("before." + i, Integer.toString(i));
				}
				this.runner.withUserConfiguration(RevisionRecorder.class)
					.withPropertyValues("nats.servers=" + server.url())
					.run((context) -> {
						RevisionRecorder recorder = context.getBean(RevisionRecorder.class);
						KvView<String> view = context.getBean("events", KvView.class);
						assertThat(view.isReady()).isTrue();
						assertThat(view.size()).isEqualTo(50);
						int retried = 0;
						for (int i = 0; i < 400; i++) {
							if (i == 150) {
								server.restart();
							}
							// every write goes through, however many attempts it takes; an attempt whose reply
							// got lost may have been stored, which only adds a revision of the same key
							while (true) {
								try {
									kv.put("during." + i, Integer.toString(i));
									break;
								}
								catch (Exception ex) {
									retried++;
									Thread.sleep(50);
								}
							}
						}
						StreamState state = writer.jetStreamManagement().getStreamInfo("KV_EVENTS").getStreamState();
						long last = state.getLastSequence();
						// no gaps in the stream: every revision from 1 to last exists
						assertThat(state.getMsgCount()).isEqualTo(last);
						await().atMost(Duration.ofSeconds(20)).until(() -> recorder.lastRevision() >= last);
						Thread.sleep(200);
						List<Long> expected = LongStream.rangeClosed(1, last).boxed().toList();
						assertThat(recorder.revisions).as("revisions seen by the watcher").isEqualTo(expected);
						assertThat(recorder.keys).hasSize((int) last);
						for (int i = 0; i < 400; i++) {
							assertThat(recorder.keys).contains("during." + i);
						}
						Health health = KvWatchTests.health(context, "revisions");
						assertThat(health.getStatus()).isEqualTo(Status.UP);
						assertThat(health.getDetails()).containsEntry("state", "WATCHING")
							.containsEntry("lastRevision", last);
						assertThat((Long) health.getDetails().get("resumes")).isGreaterThanOrEqualTo(1L);
						await().atMost(Duration.ofSeconds(5)).until(() -> view.getRevision() == last);
						assertThat(view.size()).isEqualTo(450);
						assertThat(view.get("during.399")).isEqualTo("399");
						System.out.println("restart in the middle: " + last + " revisions, " + retried
								+ " failed write attempts, details " + health.getDetails());
					});
			}
		}
	}

	/**
	 * The consumer behind a watch can vanish while the connection stays up: on a cluster its node dies, or an
	 * operator deletes it. The supervision notices within seconds (jnats alone only after missed heartbeats), warns
	 * and resumes after the last revision handled.
	 */
	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aWatchWhoseConsumerVanishesResumesByItselfMissingNothing(CapturedOutput output) throws Exception {
		try (NatsServer server = NatsServer.builder().build().start();
				Connection writer = Nats.connect(server.url())) {
			writer.keyValueManagement().create(KeyValueConfiguration.builder().name("EVENTS").build());
			KeyValue kv = writer.keyValue("EVENTS");
			for (int i = 0; i < 10; i++) {
				kv.put("before." + i, Integer.toString(i));
			}
			this.runner.withUserConfiguration(RevisionRecorder.class)
				.withPropertyValues("nats.servers=" + server.url())
				.run((context) -> {
					RevisionRecorder recorder = context.getBean(RevisionRecorder.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lastRevision() == 10);
					JetStreamManagement jsm = writer.jetStreamManagement();
					List<String> consumers = jsm.getConsumerNames("KV_EVENTS");
					assertThat(consumers).isNotEmpty();
					for (String consumer : consumers) {
						jsm.deleteConsumer("KV_EVENTS", consumer);
					}
					for (int i = 0; i < 10; i++) {
						kv.put("after." + i, Integer.toString(i));
					}
					// well before jnats' own heartbeat alarm (three missed 5 s heartbeats) would re-create it
					await().atMost(Duration.ofSeconds(8)).until(() -> recorder.lastRevision() == 20);
					assertThat(recorder.revisions).isEqualTo(LongStream.rangeClosed(1, 20).boxed().toList());
					assertThat(output).contains("KV watcher 'revisions' on bucket 'EVENTS' is stalled: its consumer "
							+ "is gone from the server");
					Health health = KvWatchTests.health(context, "revisions");
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat((Long) health.getDetails().get("stalls")).isGreaterThanOrEqualTo(1L);
					KvView<String> view = context.getBean("events", KvView.class);
					await().atMost(Duration.ofSeconds(8)).until(() -> view.getRevision() == 20);
					assertThat(view.get("after.9")).isEqualTo("9");
				});
		}
	}

	@Test
	void restartWhileTheInitialValuesAreLoadingDeliversEachKeyOnce() throws Exception {
		try (NatsServer server = NatsServer.builder().build().start()) {
			try (Connection writer = Nats.connect(server.url())) {
				writer.keyValueManagement()
					.create(KeyValueConfiguration.builder().name("BIG").storageType(StorageType.File).build());
				KeyValue kv = writer.keyValue("BIG");
				for (int i = 0; i < 300; i++) {
					kv.put("key." + i, Integer.toString(i));
				}
			}
			SlowRecorder.reset();
			this.runner.withUserConfiguration(SlowRecorder.class)
				.withPropertyValues("nats.servers=" + server.url())
				.run((context) -> {
					SlowRecorder recorder = context.getBean(SlowRecorder.class);
					// the handler holds the 31st key until the watcher is replacing its watch after the restart
					assertThat(SlowRecorder.holding.await(10, TimeUnit.SECONDS)).isTrue();
					assertThat(recorder.ready).isZero();
					server.restart();
					await().atMost(Duration.ofSeconds(10))
						.until(() -> "RESUMING".equals(KvWatchTests.health(context, "slow").getDetails().get("state")));
					SlowRecorder.release.countDown();
					await().atMost(Duration.ofSeconds(20)).until(() -> recorder.ready == 1);
					assertThat(recorder.keys).hasSize(300).doesNotHaveDuplicates();
					assertThat(recorder.initial).containsOnly(true);
					try (Connection writer = Nats.connect(server.url())) {
						writer.keyValue("BIG").put("key.after", "after");
					}
					await().atMost(Duration.ofSeconds(5)).until(() -> recorder.keys.contains("key.after"));
					assertThat(recorder.initial.get(recorder.initial.size() - 1)).isFalse();
					assertThat(recorder.ready).isEqualTo(1);
					System.out.println("restart while loading: " + KvWatchTests.health(context, "slow").getDetails());
				});
		}
	}

	@Test
	void watcherOfAMissingBucketRetriesUntilTheBucketExists() throws Exception {
		try (NatsServer server = NatsServer.builder().build().start()) {
			this.runner.withUserConfiguration(LateBucketRecorder.class)
				.withPropertyValues("nats.servers=" + server.url())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Health down = KvWatchTests.health(context, "late");
					assertThat(down.getStatus()).isEqualTo(Status.DOWN);
					assertThat(down.getDetails()).containsEntry("state", "RETRYING")
						.containsEntry("lastError", "bucket 'LATE' does not exist");
					try (Connection connection = Nats.connect(server.url())) {
						connection.keyValueManagement()
							.create(KeyValueConfiguration.builder().name("LATE").storageType(StorageType.Memory).build());
						connection.keyValue("LATE").put("k", "v");
					}
					LateBucketRecorder recorder = context.getBean(LateBucketRecorder.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> recorder.values.contains("k=v"));
					assertThat(KvWatchTests.health(context, "late").getStatus()).isEqualTo(Status.UP);
				});
		}
	}

	@Test
	void updatesMadeWhileDisconnectedArriveAfterTheReconnect() throws Exception {
		try (NatsServer server = NatsServer.builder().build().start(); TcpProxy proxy = new TcpProxy(server.port())) {
			try (Connection writer = Nats.connect(server.url())) {
				writer.keyValueManagement()
					.create(KeyValueConfiguration.builder().name("EVENTS").storageType(StorageType.File).build());
			}
			// the application reaches the server through a proxy, so the test decides how long it stays disconnected
			this.runner.withUserConfiguration(UpdatesOnlyRevisionRecorder.class)
				.withPropertyValues("nats.servers=" + proxy.url())
				.run((context) -> {
					UpdatesOnlyRevisionRecorder recorder = context.getBean(UpdatesOnlyRevisionRecorder.class);
					NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
					// the application loses the server, which restarts (forgetting the watch); meanwhile another
					// client writes
					proxy.cut();
					await().atMost(Duration.ofSeconds(5)).until(() -> !manager.getState().isConnected());
					server.restart();
					try (Connection writer = Nats.connect(server.url())) {
						KeyValue kv = writer.keyValue("EVENTS");
						kv.put("a", "1");
						kv.put("b", "2");
					}
					assertThat(manager.getState().isConnected()).isFalse();
					assertThat(recorder.values).isEmpty();
					proxy.restore();
					await().atMost(Duration.ofSeconds(10)).until(() -> recorder.values.size() >= 2);
					assertThat(recorder.values).containsExactly("a=1", "b=2");
				});
		}
	}

	@Test
	@Tag("compat")
	void aMemoryBucketRecreatedAfterAServerRestartIsDeliveredAgain() throws Exception {
		try (NatsServer server = NatsServer.builder().build().start()) {
			try (Connection writer = Nats.connect(server.url())) {
				KeyValue kv = createMemoryBucket(writer, "FLAGS");
				kv.put("a", "1");
				kv.put("b", "2");
				kv.put("c", "3");
			}
			this.runner.withUserConfiguration(RecreatedBucketRecorder.class)
				.withPropertyValues("nats.servers=" + server.url())
				.run((context) -> {
					RecreatedBucketRecorder recorder = context.getBean(RecreatedBucketRecorder.class);
					KvView<String> view = context.getBean("flags", KvView.class);
					NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
					assertThat(view.asMap()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"),
							Map.entry("c", "3"));
					// a watcher delivers the initial values in the background; startup does not wait for them
					await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(recorder.all)
						.containsExactly("a=1@1 initial", "b=2@2 initial", "c=3@3 initial"));
					try (Connection writer = Nats.connect(server.url())) {
						writer.keyValue("FLAGS").put("a", "4");
					}
					await().atMost(Duration.ofSeconds(5)).until(() -> "4".equals(view.get("a")));

					// the memory bucket is gone after the restart; it is created again (as the reconciler would)
					// and its revisions start at 1, below what the watchers have seen
					server.restart();
					await().atMost(Duration.ofSeconds(10)).until(() -> manager.getState().isConnected());
					try (Connection writer = Nats.connect(server.url())) {
						KeyValue kv = createMemoryBucket(writer, "FLAGS");
						kv.put("a", "10");
						kv.put("d", "5");
					}
					await().atMost(Duration.ofSeconds(10))
						.untilAsserted(() -> assertThat(view.asMap()).containsExactly(Map.entry("a", "10"),
								Map.entry("d", "5")));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(recorder.all).endsWith("a=10@1 initial", "d=5@2 initial"));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(recorder.updates).containsExactly("a=4@4", "a=10@1", "d=5@2"));
					try (Connection writer = Nats.connect(server.url())) {
						writer.keyValue("FLAGS").put("e", "6");
					}
					await().atMost(Duration.ofSeconds(5)).until(() -> "6".equals(view.get("e")));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(recorder.all).endsWith("e=6@3"));
					assertThat(recorder.all).containsExactly("a=1@1 initial", "b=2@2 initial", "c=3@3 initial",
							"a=4@4", "a=10@1 initial", "d=5@2 initial", "e=6@3");
					assertThat(recorder.ready).containsOnly("all", "updates", "flags").hasSize(3);
					Health health = KvWatchTests.health(context, "all");
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("state", "WATCHING").containsEntry("lastRevision", 3L);
				});
		}
	}

	@Test
	void aBucketDeletedAndCreatedAgainWhileDisconnectedIsDeliveredAgain() throws Exception {
		try (NatsServer server = NatsServer.builder().build().start(); TcpProxy proxy = new TcpProxy(server.port());
				Connection writer = Nats.connect(server.url())) {
			KeyValueConfiguration config = KeyValueConfiguration.builder()
				.name("CFG")
				.storageType(StorageType.File)
				.build();
			writer.keyValueManagement().create(config);
			writer.keyValue("CFG").put("x", "1");
			writer.keyValue("CFG").put("y", "2");
			this.runner.withUserConfiguration(CfgView.class)
				.withPropertyValues("nats.servers=" + proxy.url())
				.run((context) -> {
					KvView<String> view = context.getBean("cfg", KvView.class);
					NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
					assertThat(view.asMap()).containsExactly(Map.entry("x", "1"), Map.entry("y", "2"));
					proxy.cut();
					await().atMost(Duration.ofSeconds(5)).until(() -> !manager.getState().isConnected());
					// more revisions than before: only the creation time tells that this is another bucket
					writer.keyValueManagement().delete("CFG");
					writer.keyValueManagement().create(config);
					KeyValue kv = writer.keyValue("CFG");
					kv.put("y", "20");
					kv.put("z", "30");
					kv.put("w", "40");
					proxy.restore();
					await().atMost(Duration.ofSeconds(10))
						.untilAsserted(() -> assertThat(view.asMap()).containsExactly(Map.entry("w", "40"),
								Map.entry("y", "20"), Map.entry("z", "30")));
				});
		}
	}

	@Test
	void aWatchWhoseConsumerCannotBeCreatedLeavesNothingBehind() throws Exception {
		assertFailedWatchesLeaveNothingBehind("$JS.API.CONSUMER.CREATE.>");
	}

	@Test
	void aWatchWhoseConsumerInfoFailsLeavesNothingBehind() throws Exception {
		assertFailedWatchesLeaveNothingBehind("$JS.API.CONSUMER.INFO.>");
	}

	/**
	 * Denies the application one JetStream API subject so that every attempt to create the watch fails at that
	 * step (after a timeout), and checks that failed attempts leave no dispatcher and no subscription behind.
	 */
	private void assertFailedWatchesLeaveNothingBehind(String denied) throws Exception {
		String users = "authorization { users: [ { user: admin, password: admin }, { user: app, password: app, "
				+ "permissions: { publish: { deny: [\"" + denied + "\"] } } } ] }";
		try (NatsServer server = NatsServer.builder().monitoring(true).config(users).build().start()) {
			Options admin = new Options.Builder().server(server.url()).userInfo("admin", "admin").build();
			try (Connection writer = Nats.connect(admin)) {
				// empty: jnats asks for the consumer info only when no entry has ended the initial values
				createMemoryBucket(writer, "LEAK");
			}
			this.runner.withUserConfiguration(LeakRecorder.class)
				.withPropertyValues("nats.servers=" + server.url(), "nats.username=app", "nats.password=app",
						"nats.connection-name=kv-leak", "nats.connection-timeout=500ms")
				.run((context) -> {
					KvWatchContainer container = (KvWatchContainer) context
						.getBean(io.github.natsspring.listener.NatsListenerEndpointRegistry.class)
						.getContainer("leak");
					Connection connection = context.getBean(NatsConnectionManager.class).getConnection();
					await().atMost(Duration.ofSeconds(15)).until(() -> container.getAttempts() >= 3);
					int[] left = { dispatchers(connection), deliverySubscriptions(server, "kv-leak") };
					System.out.println("after " + container.getAttempts() + " failed watch creations (" + denied
							+ " denied): " + left[0] + " dispatcher(s), " + left[1] + " consumer subscription(s)");
					// between two attempts: only the dispatcher jnats keeps for replies to requests, and no
					// subscription for a consumer (the server handles the last unsubscribe asynchronously)
					await().atMost(Duration.ofSeconds(2))
						.untilAsserted(() -> assertThat(new int[] { dispatchers(connection),
								deliverySubscriptions(server, "kv-leak") })
							.as("dispatchers, consumer subscriptions")
							.containsExactly(1, 0));
					Health health = KvWatchTests.health(context, "leak");
					assertThat(health.getDetails()).containsEntry("state", "RETRYING").containsKey("lastError");
					assertThat(context.getBean(LeakRecorder.class).values).isEmpty();
				});
		}
	}

	private static KeyValue createMemoryBucket(Connection connection, String name) throws Exception {
		connection.keyValueManagement()
			.create(KeyValueConfiguration.builder().name(name).storageType(StorageType.Memory).build());
		return connection.keyValue(name);
	}

	/** The dispatchers jnats holds for the connection. */
	private static int dispatchers(Connection connection) throws Exception {
		for (Class<?> type = connection.getClass(); type != null; type = type.getSuperclass()) {
			for (Method method : type.getDeclaredMethods()) {
				if (method.getName().equals("getDispatchers") && method.getParameterCount() == 0) {
					method.setAccessible(true);
					return ((Map<?, ?>) method.invoke(connection)).size();
				}
			}
		}
		throw new IllegalStateException("jnats has no getDispatchers() any more: " + connection.getClass());
	}

	/**
	 * The subscriptions the server holds for the named connection on a plain inbox, the deliver subject of a
	 * consumer (the connection's request inbox ends with a wildcard).
	 */
	private static int deliverySubscriptions(NatsServer server, String connectionName) throws Exception {
		URI uri = URI.create("http://127.0.0.1:" + server.monitorPort() + "/connz?subs=1");
		String body = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
			.body();
		for (JsonNode connection : JsonMapper.builder().build().readTree(body).get("connections")) {
			if (connectionName.equals(connection.path("name").asString())) {
				int count = 0;
				for (JsonNode subject : connection.path("subscriptions_list")) {
					if (subject.asString().startsWith("_INBOX.") && !subject.asString().endsWith(".*")) {
						count++;
					}
				}
				return count;
			}
		}
		throw new IllegalStateException("no connection named " + connectionName + " in " + body);
	}

	@Configuration(proxyBeanMethods = false)
	static class RevisionRecorder {

		final List<Long> revisions = new CopyOnWriteArrayList<>();

		final List<String> keys = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "EVENTS", id = "revisions")
		void on(@Header(KvHeaders.KEY) String key, @Header(KvHeaders.REVISION) long revision) {
			this.revisions.add(revision);
			this.keys.add(key);
		}

		long lastRevision() {
			return this.revisions.isEmpty() ? 0 : this.revisions.get(this.revisions.size() - 1);
		}

		@Bean
		KvView<String> events() {
			return KvView.of("EVENTS", String.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SlowRecorder {

		static volatile CountDownLatch holding = new CountDownLatch(1);

		static volatile CountDownLatch release = new CountDownLatch(1);

		final List<String> keys = new CopyOnWriteArrayList<>();

		final List<Boolean> initial = new CopyOnWriteArrayList<>();

		volatile int ready;

		static void reset() {
			holding = new CountDownLatch(1);
			release = new CountDownLatch(1);
		}

		@KvWatch(bucket = "BIG", id = "slow")
		void on(@Header(KvHeaders.KEY) String key, @Header(KvHeaders.INITIAL) boolean initial) throws Exception {
			if (this.keys.size() == 30 && release.getCount() > 0) {
				holding.countDown();
				release.await(20, TimeUnit.SECONDS);
			}
			this.keys.add(key);
			this.initial.add(initial);
		}

		@org.springframework.context.event.EventListener
		void ready(KvWatchReadyEvent event) {
			this.ready++;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LateBucketRecorder {

		final List<String> values = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "LATE", id = "late")
		void on(@Header(KvHeaders.KEY) String key, String value) {
			this.values.add(key + "=" + value);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecreatedBucketRecorder {

		final List<String> all = new CopyOnWriteArrayList<>();

		final List<String> updates = new CopyOnWriteArrayList<>();

		final List<String> ready = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "FLAGS", id = "all")
		void all(@Header(KvHeaders.KEY) String key, String value, @Header(KvHeaders.REVISION) long revision,
				@Header(KvHeaders.INITIAL) boolean initial) {
			this.all.add(key + "=" + value + "@" + revision + (initial ? " initial" : ""));
		}

		@KvWatch(bucket = "FLAGS", id = "updates", updatesOnly = "true")
		void updates(@Header(KvHeaders.KEY) String key, String value, @Header(KvHeaders.REVISION) long revision) {
			this.updates.add(key + "=" + value + "@" + revision);
		}

		@Bean
		KvView<String> flags() {
			return KvView.of("FLAGS", String.class);
		}

		@org.springframework.context.event.EventListener
		void ready(KvWatchReadyEvent event) {
			this.ready.add(event.getId());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CfgView {

		@Bean
		KvView<String> cfg() {
			return KvView.of("CFG", String.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LeakRecorder {

		final List<String> values = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "LEAK", id = "leak")
		void on(@Header(KvHeaders.KEY) String key, String value) {
			this.values.add(key + "=" + value);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UpdatesOnlyRevisionRecorder {

		final List<String> values = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "EVENTS", updatesOnly = "true")
		void on(@Header(KvHeaders.KEY) String key, String value) {
			this.values.add(key + "=" + value);
		}

	}

}
