package io.github.natsspring.kv.watch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.handler.annotation.Header;

import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsHealthContributorAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsKvWatchAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.health.NatsHealthContributor;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @KvWatch} against a real server: initial values then changes, deletes and purges, key filters, the
 * options, ordering under load, failing methods and health.
 */
@ExtendWith(OutputCaptureExtension.class)
class KvWatchTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private static final AtomicInteger buckets = new AtomicInteger();

	private static Connection connection;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				NatsKvWatchAutoConfiguration.class, NatsHealthContributorAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=5s");

	@BeforeAll
	static void connect() throws Exception {
		connection = Nats.connect(nats.url());
	}

	@AfterAll
	static void close() throws Exception {
		connection.close();
	}

	static KeyValue createBucket(String name, int history) throws Exception {
		KeyValueManagement management = connection.keyValueManagement();
		try {
			management.delete(name);
		}
		catch (JetStreamApiException ex) {
			// not there
		}
		management.create(KeyValueConfiguration.builder()
			.name(name)
			.storageType(StorageType.Memory)
			.maxHistoryPerKey(history)
			.build());
		return connection.keyValue(name);
	}

	private static String newBucket() {
		return "KVW" + buckets.incrementAndGet();
	}

	@Test
	@Tag("compat")
	void initialValuesThenEveryChangeInRevisionOrder() throws Exception {
		String bucket = newBucket();
		KeyValue kv = createBucket(bucket, 5);
		kv.put("a", "1");
		kv.put("b", "2");
		kv.put("a", "3");
		this.runner.withUserConfiguration(Recorder.class).withPropertyValues("test.bucket=" + bucket).run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			// the current value of each key, not its history
			assertThat(recorder.next()).isEqualTo(new Seen("b", "2", KeyValueOperation.PUT, 2, true));
			assertThat(recorder.next()).isEqualTo(new Seen("a", "3", KeyValueOperation.PUT, 3, true));
			await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.ready.isEmpty());
			KvWatchReadyEvent ready = recorder.ready.get(0);
			assertThat(ready.getId()).isEqualTo("recorder");
			assertThat(ready.getBucket()).isEqualTo(bucket);
			assertThat(ready.getRevision()).isEqualTo(3);
			assertThat(ready.getInitialCount()).isEqualTo(2);

			kv.put("c", "4");
			kv.put("a", "5");
			assertThat(recorder.next()).isEqualTo(new Seen("c", "4", KeyValueOperation.PUT, 4, false));
			assertThat(recorder.next()).isEqualTo(new Seen("a", "5", KeyValueOperation.PUT, 5, false));
			assertThat(recorder.seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
			assertThat(recorder.ready).hasSize(1);
		});
	}

	@Test
	@Tag("compat")
	void deletesAndPurgesArriveWithoutAValue() throws Exception {
		String bucket = newBucket();
		KeyValue kv = createBucket(bucket, 5);
		kv.put("flags.dark-mode", "{\"enabled\":true,\"rollout\":50}");
		kv.put("flags.beta", "{\"enabled\":false,\"rollout\":0}");
		this.runner.withUserConfiguration(TypedRecorder.class).withPropertyValues("test.bucket=" + bucket).run((context) -> {
			TypedRecorder recorder = context.getBean(TypedRecorder.class);
			assertThat(recorder.next()).isEqualTo(new TypedSeen("flags.dark-mode", new Flag(true, 50),
					Optional.of(new Flag(true, 50)), KeyValueOperation.PUT));
			assertThat(recorder.next()).isEqualTo(new TypedSeen("flags.beta", new Flag(false, 0),
					Optional.of(new Flag(false, 0)), KeyValueOperation.PUT));
			kv.delete("flags.dark-mode");
			kv.purge("flags.beta");
			assertThat(recorder.next())
				.isEqualTo(new TypedSeen("flags.dark-mode", null, Optional.empty(), KeyValueOperation.DELETE));
			assertThat(recorder.next())
				.isEqualTo(new TypedSeen("flags.beta", null, Optional.empty(), KeyValueOperation.PURGE));
			kv.put("flags.dark-mode", "{\"enabled\":true,\"rollout\":100}");
			assertThat(recorder.next()).isEqualTo(new TypedSeen("flags.dark-mode", new Flag(true, 100),
					Optional.of(new Flag(true, 100)), KeyValueOperation.PUT));
		});
	}

	@Test
	@Tag("compat")
	void keysAndWildcardsFilter() throws Exception {
		String bucket = newBucket();
		KeyValue kv = createBucket(bucket, 1);
		this.runner.withUserConfiguration(FilteredRecorder.class).withPropertyValues("test.bucket=" + bucket).run((context) -> {
			FilteredRecorder recorder = context.getBean(FilteredRecorder.class);
			kv.put("flags.a", "1");
			kv.put("flags.a.deep", "2");
			kv.put("config.db.url", "3");
			kv.put("other", "4");
			kv.put("limits", "5");
			// four watchers, each on its own thread: wait for all of them
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(recorder.all).containsExactly("flags.a", "flags.a.deep", "config.db.url", "other", "limits");
				assertThat(recorder.oneToken).containsExactly("flags.a");
				assertThat(recorder.rest).containsExactly("flags.a", "flags.a.deep");
				assertThat(recorder.several).containsExactly("config.db.url", "limits");
			});
		});
	}

	@Test
	void updatesOnlySkipsWhatWasThereBefore() throws Exception {
		String bucket = newBucket();
		KeyValue kv = createBucket(bucket, 5);
		kv.put("a", "old");
		kv.put("b", "old");
		this.runner.withUserConfiguration(UpdatesOnlyRecorder.class).withPropertyValues("test.bucket=" + bucket).run((context) -> {
			UpdatesOnlyRecorder recorder = context.getBean(UpdatesOnlyRecorder.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> recorder.ready.size() == 1);
			assertThat(recorder.ready.get(0).getInitialCount()).isZero();
			kv.put("a", "new");
			kv.delete("b");
			await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seen.size() == 2);
			assertThat(recorder.seen).containsExactly("a=new@3", "b=null@4");
		});
	}

	@Test
	void includeHistoryIgnoreDeletesAndMetaOnly() throws Exception {
		String bucket = newBucket();
		KeyValue kv = createBucket(bucket, 10);
		kv.put("a", "1");
		kv.put("a", "2");
		kv.delete("a");
		kv.put("b", "3");
		this.runner.withUserConfiguration(OptionRecorders.class).withPropertyValues("test.bucket=" + bucket).run((context) -> {
			OptionRecorders recorders = context.getBean(OptionRecorders.class);
			// a purge removes the key's history: let the history watcher read it first
			await().atMost(Duration.ofSeconds(5)).until(() -> recorders.ready.get() == 3);
			kv.put("b", "4");
			kv.purge("b");
			kv.put("c", "5");
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(recorders.history).containsExactly("a=1@1", "a=2@2", "a=DELETE@3", "b=3@4", "b=4@5",
						"b=PURGE@6", "c=5@7");
				assertThat(recorders.noDeletes).containsExactly("b=3@4", "b=4@5", "c=5@7");
				assertThat(recorders.meta).containsExactly("a:DELETE@3:0", "b:PUT@4:1", "b:PUT@5:1", "b:PURGE@6:0",
						"c:PUT@7:1");
			});
		});
	}

	@Test
	void thousandRapidUpdatesToOneKeyArriveInOrderTheLastOneLast() throws Exception {
		String bucket = newBucket();
		KeyValue kv = createBucket(bucket, 64);
		this.runner.withUserConfiguration(CounterRecorder.class).withPropertyValues("test.bucket=" + bucket).run((context) -> {
			CounterRecorder recorder = context.getBean(CounterRecorder.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> recorder.ready);
			long start = System.nanoTime();
			for (int i = 1; i <= 1000; i++) {
				kv.put("counter", Integer.toString(i));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder.values.size() >= 1000);
			long millis = (System.nanoTime() - start) / 1_000_000;
			System.out.println("1000 updates to one key written and watched in " + millis + " ms");
			Thread.sleep(100);
			assertThat(recorder.values).hasSize(1000);
			for (int i = 0; i < 1000; i++) {
				assertThat(recorder.values.get(i)).isEqualTo(i + 1);
				assertThat(recorder.revisions.get(i)).isEqualTo(i + 1L);
			}
			assertThat(kv.get("counter").getValueAsString()).isEqualTo("1000");

			// a burst faster than delivery, beyond the key's history (64): the server drops revisions the watch
			// has not reached yet, so some are skipped, but what arrives is in order and the last value comes last
			var js = connection.jetStream();
			List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
			for (int i = 1; i <= 1000; i++) {
				acks.add(js.publishAsync("$KV." + bucket + ".burst", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
			}
			for (var ack : acks) {
				ack.get(10, TimeUnit.SECONDS);
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !recorder.burst.isEmpty() && recorder.burst.get(recorder.burst.size() - 1) == 1000);
			System.out.println("burst of 1000 beyond history: " + recorder.burst.size() + " arrived");
			assertThat(recorder.burst).isSorted().doesNotHaveDuplicates();
		});
	}

	@Test
	void anExceptionInTheMethodIsLoggedAndTheWatchGoesOn(CapturedOutput output) throws Exception {
		String bucket = newBucket();
		KeyValue kv = createBucket(bucket, 1);
		this.runner.withUserConfiguration(FailingRecorder.class).withPropertyValues("test.bucket=" + bucket).run((context) -> {
			FailingRecorder recorder = context.getBean(FailingRecorder.class);
			kv.put("one", "1");
			kv.put("boom", "2");
			kv.put("json", "not json");
			kv.put("three", "3");
			await().atMost(Duration.ofSeconds(5)).until(() -> recorder.handled.contains("three"));
			assertThat(recorder.handled).containsExactly("one", "three");
			assertThat(output).contains("KV watcher 'failing' failed on key 'boom' revision 2 (PUT); the watch goes on")
				.contains("failed on key 'json' revision 3");
			Map<String, Object> details = health(context, "failing").getDetails();
			assertThat(details).containsEntry("failed", 2L).containsEntry("delivered", 2L);
		});
	}

	@Test
	void healthShowsBucketKeysLastRevisionAndState() throws Exception {
		String bucket = newBucket();
		KeyValue kv = createBucket(bucket, 1);
		kv.put("flags.a", "1");
		this.runner.withUserConfiguration(FilteredRecorder.class).withPropertyValues("test.bucket=" + bucket).run((context) -> {
			kv.put("flags.b", "2");
			kv.put("other", "3");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(FilteredRecorder.class).all.contains("other"));
			Health health = health(context, "rest");
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("id", "rest")
				.containsEntry("bucket", bucket)
				.containsEntry("keys", List.of("flags.>"))
				.containsEntry("state", "WATCHING")
				.containsEntry("lastRevision", 2L)
				.containsEntry("initialValuesDone", true)
				.containsEntry("delivered", 2L)
				.containsEntry("resumes", 0L);
			assertThat(health(context, "all").getDetails()).containsEntry("lastRevision", 3L);

			// a stopped watcher watches nothing: DOWN
			context.getBean(io.github.natsspring.listener.NatsListenerEndpointRegistry.class).stopContainer("rest");
			Health stopped = health(context, "rest");
			assertThat(stopped.getStatus()).isEqualTo(Status.DOWN);
			assertThat(stopped.getDetails()).containsEntry("state", "STOPPED");
		});
	}

	static Health health(org.springframework.context.ApplicationContext context, String id) {
		NatsHealthContributor nats = context.getBean(NatsHealthContributor.class);
		CompositeHealthContributor listeners = (CompositeHealthContributor) nats.getContributor("listeners");
		return ((HealthIndicator) listeners.getContributor(id)).health();
	}

	record Seen(String key, String value, KeyValueOperation operation, long revision, boolean initial) {
	}

	record Flag(boolean enabled, int rollout) {
	}

	record TypedSeen(String key, Flag flag, Optional<Flag> optional, KeyValueOperation operation) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Recorder {

		final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

		final List<KvWatchReadyEvent> ready = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "${test.bucket}", id = "recorder")
		void on(@Header(KvHeaders.KEY) String key, String value, KeyValueOperation operation,
				@Header(KvHeaders.REVISION) long revision, @Header(KvHeaders.INITIAL) boolean initial) {
			this.seen.add(new Seen(key, value, operation, revision, initial));
		}

		@EventListener
		void ready(KvWatchReadyEvent event) {
			this.ready.add(event);
		}

		Seen next() throws InterruptedException {
			Seen next = this.seen.poll(5, TimeUnit.SECONDS);
			assertThat(next).isNotNull();
			return next;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TypedRecorder {

		final BlockingQueue<TypedSeen> seen = new LinkedBlockingQueue<>();

		@KvWatch(bucket = "${test.bucket}", keys = "flags.>")
		void on(KeyValueEntry entry, Flag flag) {
			this.seen.add(new TypedSeen(entry.getKey(), flag, null, entry.getOperation()));
		}

		@KvWatch(bucket = "${test.bucket}", keys = "flags.>")
		void optional(@Header(KvHeaders.KEY) String key, Optional<Flag> flag) {
			this.optionals.add(flag);
		}

		final BlockingQueue<Optional<Flag>> optionals = new LinkedBlockingQueue<>();

		TypedSeen next() throws InterruptedException {
			TypedSeen next = this.seen.poll(5, TimeUnit.SECONDS);
			Optional<Flag> optional = this.optionals.poll(5, TimeUnit.SECONDS);
			assertThat(next).isNotNull();
			assertThat(optional).isNotNull();
			return new TypedSeen(next.key(), next.flag(), optional, next.operation());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FilteredRecorder {

		final List<String> all = new CopyOnWriteArrayList<>();

		final List<String> oneToken = new CopyOnWriteArrayList<>();

		final List<String> rest = new CopyOnWriteArrayList<>();

		final List<String> several = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "${test.bucket}", id = "all")
		void all(@Header(KvHeaders.KEY) String key) {
			this.all.add(key);
		}

		@KvWatch(bucket = "${test.bucket}", keys = "flags.*", id = "one-token")
		void oneToken(@Header(KvHeaders.KEY) String key) {
			this.oneToken.add(key);
		}

		@KvWatch(bucket = "${test.bucket}", keys = "flags.>", id = "rest")
		void rest(@Header(KvHeaders.KEY) String key) {
			this.rest.add(key);
		}

		@KvWatch(bucket = "${test.bucket}", keys = { "config.*.url", "limits" }, id = "several")
		void several(@Header(KvHeaders.KEY) String key) {
			this.several.add(key);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UpdatesOnlyRecorder {

		final List<String> seen = new CopyOnWriteArrayList<>();

		final List<KvWatchReadyEvent> ready = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "${test.bucket}", updatesOnly = "true", id = "updates")
		void on(@Header(KvHeaders.KEY) String key, String value, @Header(KvHeaders.REVISION) long revision) {
			this.seen.add(key + "=" + value + "@" + revision);
		}

		@EventListener(condition = "#event.id == 'updates'")
		void ready(KvWatchReadyEvent event) {
			this.ready.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OptionRecorders {

		final List<String> history = new CopyOnWriteArrayList<>();

		final List<String> noDeletes = new CopyOnWriteArrayList<>();

		final List<String> meta = new CopyOnWriteArrayList<>();

		final AtomicInteger ready = new AtomicInteger();

		@EventListener
		void ready(KvWatchReadyEvent event) {
			this.ready.incrementAndGet();
		}

		@KvWatch(bucket = "${test.bucket}", includeHistory = "true")
		void history(KeyValueEntry entry) {
			this.history.add(entry.getKey() + "="
					+ ((entry.getOperation() == KeyValueOperation.PUT) ? entry.getValueAsString() : entry.getOperation())
					+ "@" + entry.getRevision());
		}

		@KvWatch(bucket = "${test.bucket}", ignoreDeletes = "true")
		void noDeletes(@Header(KvHeaders.KEY) String key, byte[] value, @Header(KvHeaders.REVISION) long revision) {
			this.noDeletes.add(key + "=" + new String(value, StandardCharsets.UTF_8) + "@" + revision);
		}

		@KvWatch(bucket = "${test.bucket}", metaOnly = "true")
		void meta(KeyValueEntry entry, KeyValueOperation operation) {
			this.meta.add(entry.getKey() + ":" + operation + "@" + entry.getRevision() + ":" + entry.getDataLen());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CounterRecorder {

		final List<Integer> values = new CopyOnWriteArrayList<>();

		final List<Long> revisions = new CopyOnWriteArrayList<>();

		volatile boolean ready;

		final List<Integer> burst = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "${test.bucket}", keys = "counter")
		void on(Integer value, @Header(KvHeaders.REVISION) long revision) {
			this.values.add(value);
			this.revisions.add(revision);
		}

		@KvWatch(bucket = "${test.bucket}", keys = "burst")
		void burst(Integer value) {
			this.burst.add(value);
		}

		@EventListener
		void ready(KvWatchReadyEvent event) {
			this.ready = true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingRecorder {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@KvWatch(bucket = "${test.bucket}", id = "failing")
		void on(@Header(KvHeaders.KEY) String key, Integer value) {
			if (key.equals("boom")) {
				throw new IllegalStateException("boom");
			}
			this.handled.add(key);
		}

	}

}
