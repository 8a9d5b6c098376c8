package io.github.natsspring.jetstream.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.test.NatsServerExtension;

import static io.github.natsspring.jetstream.listener.JetStreamTesting.consumer;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.read;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.settled;
import static io.github.natsspring.jetstream.listener.JetStreamTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @JetStreamListener} against a real server: acks, retries, dead letters, manual acks, in-progress, de-dupe,
 * ordered replay. Every test has its own stream on the class's server.
 */
@ExtendWith(OutputCaptureExtension.class)
class JetStreamListenerTests {

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
	void tenThousandMessagesWithConcurrencyFourAreAllHandledAndAcked() {
		this.runner
			.withPropertyValues("nats.jetstream.streams[LOAD].subjects=load.>",
					"nats.jetstream.streams[LOAD].storage=memory")
			.withUserConfiguration(LoadListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LoadListener listener = context.getBean(LoadListener.class);
				JetStream js = raw.jetStream();
				List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
				for (int i = 0; i < 10_000; i++) {
					acks.add(js.publishAsync("load." + (i % 10), ("m-" + i).getBytes(StandardCharsets.UTF_8)));
				}
				CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
				await().atMost(Duration.ofSeconds(30)).until(() -> listener.seen.size() == 10_000);
				await().atMost(Duration.ofSeconds(10)).until(() -> settled(raw, "LOAD", "load-worker"));
				ConsumerInfo info = consumer(raw, "LOAD", "load-worker");
				assertThat(info.getNumPending()).isZero();
				assertThat(info.getNumAckPending()).isZero();
				assertThat(info.getConsumerConfiguration().getAckPolicy()).isEqualTo(AckPolicy.Explicit);
				assertThat(info.getConsumerConfiguration().getMaxDeliver()).isEqualTo(-1);
				assertThat(listener.maxConcurrent.get()).isBetween(2, 4);
			});
	}

	@Test
	@Tag("compat")
	void poisonMessagesReachTheDeadLetterStreamAfterMaxDeliverAndGoodOnesKeepFlowing() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[POISON].subjects=poison.>",
					"nats.jetstream.streams[POISON].storage=memory")
			.withUserConfiguration(PoisonListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PoisonListener listener = context.getBean(PoisonListener.class);
				JetStream js = raw.jetStream();
				for (int i = 0; i < 10; i++) {
					js.publish("poison.work", ("good-" + i).getBytes(StandardCharsets.UTF_8));
				}
				Headers headers = new Headers().put("Tenant", "acme").put(NatsHeaders.NATS_MSG_ID, "original-1");
				PublishAck bad = js.publish(NatsMessage.builder().subject("poison.work").headers(headers)
					.data("bad-1".getBytes(StandardCharsets.UTF_8)).build());
				for (int i = 10; i < 20; i++) {
					js.publish("poison.work", ("good-" + i).getBytes(StandardCharsets.UTF_8));
				}
				PublishAck fatal = js.publish("poison.work", "fatal-1".getBytes(StandardCharsets.UTF_8));
				PublishAck unreadable = js.publish("poison.orders", "{not json".getBytes(StandardCharsets.UTF_8));
				PublishAck invalid = js.publish("poison.orders", "{\"id\":\"o-1\",\"amount\":-5}".getBytes(StandardCharsets.UTF_8));
				js.publish("poison.orders", "{\"id\":\"o-2\",\"amount\":5}".getBytes(StandardCharsets.UTF_8));
				for (int i = 20; i < 30; i++) {
					js.publish("poison.work", ("good-" + i).getBytes(StandardCharsets.UTF_8));
				}

				List<Message> work = read(raw, "DLQ", "dlq.POISON.poison-worker", 2, Duration.ofSeconds(10));
				assertThat(work).hasSize(2);
				Message badLetter = work.stream().filter((m) -> text(m).equals("bad-1")).findFirst().orElseThrow();
				Headers letter = badLetter.getHeaders();
				assertThat(letter.getFirst(DeadLetterHeaders.STREAM)).isEqualTo("POISON");
				assertThat(letter.getFirst(DeadLetterHeaders.CONSUMER)).isEqualTo("poison-worker");
				assertThat(letter.getFirst(DeadLetterHeaders.SUBJECT)).isEqualTo("poison.work");
				assertThat(letter.getFirst(DeadLetterHeaders.STREAM_SEQUENCE)).isEqualTo(Long.toString(bad.getSeqno()));
				assertThat(letter.getFirst(DeadLetterHeaders.DELIVERY_COUNT)).isEqualTo("3");
				assertThat(letter.getFirst(DeadLetterHeaders.REASON)).isEqualTo("max-deliver");
				assertThat(letter.getFirst(DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
				assertThat(letter.getFirst(DeadLetterHeaders.EXCEPTION_MESSAGE)).isEqualTo("boom bad-1");
				assertThat(letter.getFirst(DeadLetterHeaders.TIME)).isNotBlank();
				assertThat(letter.getFirst(DeadLetterHeaders.ORIGINAL_MSG_ID)).isEqualTo("original-1");
				assertThat(letter.getFirst("Tenant")).isEqualTo("acme");
				assertThat(listener.deliveries.get("bad-1").get()).isEqualTo(3);

				Message fatalLetter = work.stream().filter((m) -> text(m).equals("fatal-1")).findFirst().orElseThrow();
				assertThat(fatalLetter.getHeaders().getFirst(DeadLetterHeaders.REASON)).isEqualTo("non-retryable");
				assertThat(fatalLetter.getHeaders().getFirst(DeadLetterHeaders.DELIVERY_COUNT)).isEqualTo("1");
				assertThat(fatalLetter.getHeaders().getFirst(DeadLetterHeaders.STREAM_SEQUENCE))
					.isEqualTo(Long.toString(fatal.getSeqno()));
				assertThat(listener.deliveries.get("fatal-1").get()).isEqualTo(1);

				// conversion and validation failures cannot succeed later: dead-lettered on the first delivery
				List<Message> orders = read(raw, "DLQ", "dlq.POISON.poison-orders", 2, Duration.ofSeconds(10));
				assertThat(orders).extracting((m) -> m.getHeaders().getFirst(DeadLetterHeaders.STREAM_SEQUENCE))
					.containsExactlyInAnyOrder(Long.toString(unreadable.getSeqno()), Long.toString(invalid.getSeqno()));
				assertThat(orders).allSatisfy((m) -> {
					assertThat(m.getHeaders().getFirst(DeadLetterHeaders.REASON)).isEqualTo("non-retryable");
					assertThat(m.getHeaders().getFirst(DeadLetterHeaders.DELIVERY_COUNT)).isEqualTo("1");
				});
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.orders.size() == 1);

				await().atMost(Duration.ofSeconds(10)).until(() -> listener.good.size() == 30);
				await().atMost(Duration.ofSeconds(10)).until(() -> settled(raw, "POISON", "poison-worker")
						&& settled(raw, "POISON", "poison-orders"));
				assertThat(listener.good).hasSize(30);
			});
	}

	@Test
	@Tag("compat")
	void manualAcknowledgment(CapturedOutput output) {
		this.runner
			.withPropertyValues("nats.jetstream.streams[MANUAL].subjects=manual.>",
					"nats.jetstream.streams[MANUAL].storage=memory")
			.withUserConfiguration(ManualListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManualListener listener = context.getBean(ManualListener.class);
				JetStream js = raw.jetStream();
				for (String text : List.of("ack", "nak-once", "term", "forget-once")) {
					js.publish("manual.x", text.getBytes(StandardCharsets.UTF_8));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> settled(raw, "MANUAL", "manual"));
				assertThat(listener.deliveries.get("ack").get()).isEqualTo(1);
				assertThat(listener.deliveries.get("nak-once").get()).isEqualTo(2);
				assertThat(listener.deliveries.get("term").get()).isEqualTo(1);
				// left unsettled: reported, and delivered again after the ack wait
				assertThat(listener.deliveries.get("forget-once").get()).isEqualTo(2);
				assertThat(output).contains("returned without acking, nak'ing or terminating");
				assertThat(read(raw, "DLQ", "dlq.MANUAL.manual", 1, Duration.ofMillis(1000))).isEmpty();
			});
	}

	@Test
	@Tag("compat")
	void aHandlerSlowerThanTheAckWaitIsKeptInProgressAndNotRedelivered() {
		this.runner
			.withPropertyValues("nats.jetstream.streams[SLOW].subjects=slow.>",
					"nats.jetstream.streams[SLOW].storage=memory")
			.withUserConfiguration(SlowListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SlowListener listener = context.getBean(SlowListener.class);
				raw.jetStream().publish("slow.x", "slow".getBytes(StandardCharsets.UTF_8));
				await().atMost(Duration.ofSeconds(10)).until(() -> listener.finished.get() == 1);
				Thread.sleep(1500);
				assertThat(listener.started.get()).isEqualTo(1);
				ConsumerInfo info = consumer(raw, "SLOW", "slow");
				assertThat(info.getConsumerConfiguration().getAckWait()).isEqualTo(Duration.ofSeconds(1));
				assertThat(info.getRedelivered()).isZero();
				assertThat(info.getNumAckPending()).isZero();
			});
	}

	@Test
	@Tag("compat")
	void slowHandlersKeepStreamOrderAndTheClientHoldsAtMostOneBatch() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[ORDER].subjects=order.>",
					"nats.jetstream.streams[ORDER].storage=memory")
			.withUserConfiguration(OrderListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OrderListener listener = context.getBean(OrderListener.class);
				for (int i = 0; i < 6; i++) {
					raw.jetStream().publish("order.x", ("o-" + i).getBytes(StandardCharsets.UTF_8));
				}
				// the first handler takes longer than a pull lives (expires 1s + grace): nothing is pulled meanwhile
				await().atMost(Duration.ofSeconds(2)).until(() -> listener.handled.size() == 1);
				Thread.sleep(1200);
				assertThat(consumer(raw, "ORDER", "order").getDelivered().getConsumerSequence()).isLessThanOrEqualTo(3);
				await().atMost(Duration.ofSeconds(10)).until(() -> settled(raw, "ORDER", "order"));
				assertThat(listener.handled).containsExactly("o-0", "o-1", "o-2", "o-3", "o-4", "o-5");
				assertThat(consumer(raw, "ORDER", "order").getRedelivered()).isZero();
			});
	}

	@Test
	void deDuplicationSkipsMessagesAlreadyHandled() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[DEDUPE].subjects=dedupe.>",
					"nats.jetstream.streams[DEDUPE].storage=memory", "nats.jetstream.listener.dedupe.storage=memory",
					"nats.jetstream.listener.dedupe.bucket=dedupe-test")
			.withUserConfiguration(DedupeListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DedupeListener listener = context.getBean(DedupeListener.class);
				JetStream js = raw.jetStream();
				KeyValue bucket = raw.keyValue("dedupe-test");
				NatsListenerEndpointRegistry registry = context.getBean(NatsListenerEndpointRegistry.class);
				// by sequence (and the time the stream stored the message): remembered once handled
				PublishAck first = js.publish("dedupe.seq", "one".getBytes(StandardCharsets.UTF_8));
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.bySequence.contains("one"));
				assertThat(bucket.get(sequenceKey("by-seq", first))).isNotNull();
				// the bucket says an earlier instance handled 'two' and died before acking it
				registry.stopContainer("by-seq");
				PublishAck two = js.publish("dedupe.seq", "two".getBytes(StandardCharsets.UTF_8));
				js.publish("dedupe.seq", "three".getBytes(StandardCharsets.UTF_8));
				bucket.put(sequenceKey("by-seq", two), "handled");
				registry.startContainer("by-seq");
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.bySequence.contains("three"));
				await().atMost(Duration.ofSeconds(5)).until(() -> settled(raw, "DEDUPE", "by-seq"));
				assertThat(listener.bySequence).containsExactly("one", "three");

				// by message id: the same message published twice with the same Message-Id header; without a
				// Nats-Msg-Id the stream's duplicate window does not apply and the stream stores both copies
				List<PublishAck> stored = new ArrayList<>();
				for (String text : List.of("a", "b", "a-again")) {
					Headers headers = new Headers().put(NatsHeaders.MESSAGE_ID, text.startsWith("a") ? "id-a" : "id-b");
					stored.add(js.publish(NatsMessage.builder().subject("dedupe.id").headers(headers)
						.data(text.getBytes(StandardCharsets.UTF_8)).build()));
				}
				assertThat(stored).noneMatch(PublishAck::isDuplicate);
				await().atMost(Duration.ofSeconds(5)).until(() -> settled(raw, "DEDUPE", "by-id"));
				assertThat(listener.byId).containsExactly("a", "b");
				// the bucket is part of the topology: in the reconcile report (and so in health)
				assertThat(context.getBean(io.github.natsspring.jetstream.reconcile.JetStreamReconciler.class)
					.getReport()
					.resources()).anySatisfy((resource) -> assertThat(resource.name()).isEqualTo("dedupe-test"));
			});
	}

	@Test
	void deDuplicationKeepsWorkingAcrossARestartABucketLostAndNamesThatAreNoKeyTokens() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[RECALL].subjects=recall.>",
					"nats.jetstream.streams[RECALL].storage=memory", "nats.jetstream.listener.dedupe.storage=memory",
					"nats.jetstream.listener.dedupe.bucket=dedupe-recall")
			.withUserConfiguration(RecallListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RecallListener listener = context.getBean(RecallListener.class);
				JetStream js = raw.jetStream();
				KeyValue bucket = raw.keyValue("dedupe-recall");
				js.publish("recall.plain", "one".getBytes(StandardCharsets.UTF_8));
				js.publish("recall.odd", "one".getBytes(StandardCharsets.UTF_8));
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.plain.size() == 1 && listener.odd.size() == 1);
				// a consumer name with characters a key cannot have is remembered too
				await().atMost(Duration.ofSeconds(5)).until(() -> bucket.keys().size() == 2);

				// stopped and started again: a new connection
				context.stop();
				context.start();
				js.publish("recall.plain", "two".getBytes(StandardCharsets.UTF_8));
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.plain.size() == 2);
				await().atMost(Duration.ofSeconds(5)).until(() -> bucket.keys().size() == 3);

				// the bucket is lost (a memory bucket after a server restart): created again on use
				raw.keyValueManagement().delete("dedupe-recall");
				js.publish("recall.plain", "three".getBytes(StandardCharsets.UTF_8));
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.plain.size() == 3);
				await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
					.until(() -> raw.keyValue("dedupe-recall").keys().size() == 1);
			});
	}

	@Test
	@Tag("compat")
	void orderedReplayFromTheStartOfTheStream() throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[REPLAY].subjects=replay.>",
					"nats.jetstream.streams[REPLAY].storage=memory")
			.withUserConfiguration(StreamOnly.class)
			.run((context) -> {
				JetStream js = raw.jetStream();
				for (int i = 1; i <= 50; i++) {
					js.publish("replay." + ((i % 2 == 0) ? "even" : "odd"),
						Integer.toString(i).getBytes(StandardCharsets.UTF_8));
				}
			});
		this.runner.withUserConfiguration(ReplayListener.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ReplayListener listener = context.getBean(ReplayListener.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.all.size() == 49 && listener.even.size() == 25);
			List<Integer> expected = new ArrayList<>();
			for (int i = 1; i <= 50; i++) {
				if (i != 13) {
					expected.add(i);
				}
			}
			// the failure of #10 was retried in place, so the order holds; #13 never works and was dead-lettered
			assertThat(listener.all).containsExactlyElementsOf(expected);
			assertThat(listener.attemptsOfTen.get()).isEqualTo(2);
			List<Message> letters = read(raw, "DLQ", "dlq.REPLAY.replay-all", 1, Duration.ofSeconds(5));
			assertThat(letters).singleElement().satisfies((letter) -> {
				assertThat(text(letter)).isEqualTo("13");
				assertThat(letter.getHeaders().getFirst(DeadLetterHeaders.STREAM_SEQUENCE)).isEqualTo("13");
				assertThat(letter.getHeaders().getFirst(DeadLetterHeaders.DELIVERY_COUNT)).isEqualTo("3");
			});
			assertThat(listener.even).allMatch((n) -> n % 2 == 0).isSorted();
		});
	}

	@Test
	@Tag("compat")
	void anOrderedReplayDoesNotDeadLetterAgainWhatAnEarlierRunDeadLettered(CapturedOutput output) throws Exception {
		// the dead-letter stream forgets message ids after 1s: only the listener can tell an earlier dead letter
		ApplicationContextRunner replay = this.runner
			.withPropertyValues("nats.jetstream.streams[AGAIN].subjects=again.>",
					"nats.jetstream.streams[AGAIN].storage=memory", "nats.jetstream.streams[PARKED].subjects=parked.>",
					"nats.jetstream.streams[PARKED].storage=memory",
					"nats.jetstream.streams[PARKED].duplicate-window=1s")
			.withUserConfiguration(AgainListener.class);
		replay.run((context) -> {
			assertThat(context).hasNotFailed();
			for (String text : List.of("1", "poison", "3")) {
				raw.jetStream().publish("again.x", text.getBytes(StandardCharsets.UTF_8));
			}
			AgainListener listener = context.getBean(AgainListener.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> listener.handled.contains("3"));
			assertThat(read(raw, "PARKED", "parked.again", 1, Duration.ofSeconds(5))).hasSize(1);
		});
		Thread.sleep(1200);
		replay.run((context) -> {
			AgainListener listener = context.getBean(AgainListener.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> listener.handled.contains("3"));
			Thread.sleep(200);
			// the replay tried the poison message again (it might work now), then left it
			assertThat(listener.attempts.get()).isEqualTo(1);
			assertThat(raw.jetStreamManagement().getStreamInfo("PARKED").getStreamState().getMsgCount()).isEqualTo(1);
			assertThat(output).contains("was dead-lettered on an earlier run");
		});
	}

	@Test
	@Tag("compat")
	void resultsAreSentOnAndDeadLettersCanBeTurnedOff(CapturedOutput output) throws Exception {
		this.runner
			.withPropertyValues("nats.jetstream.streams[ASK].subjects=ask.>", "nats.jetstream.streams[ASK].storage=memory",
					"nats.jetstream.streams[ANSWERS].subjects=answers.>",
					"nats.jetstream.streams[ANSWERS].storage=memory")
			.withUserConfiguration(ResultListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JetStream js = raw.jetStream();
				js.publish("ask.upper", "hello".getBytes(StandardCharsets.UTF_8));
				js.publish("ask.drop", "hopeless".getBytes(StandardCharsets.UTF_8));
				List<Message> answers = read(raw, "ANSWERS", null, 1, Duration.ofSeconds(5));
				assertThat(answers).singleElement().satisfies((answer) -> {
					assertThat(text(answer)).isEqualTo("HELLO");
					assertThat(answer.getHeaders().getFirst(NatsHeaders.NATS_MSG_ID)).isEqualTo("result.ASK.upper.1");
				});
				await().atMost(Duration.ofSeconds(5)).until(() -> settled(raw, "ASK", "upper")
						&& settled(raw, "ASK", "drop"));
				assertThat(output).contains("dead letters are off, the message is terminated");
				assertThat(read(raw, "DLQ", "dlq.ASK.drop", 1, Duration.ofMillis(1000))).isEmpty();
			});
	}

	/** The de-duplication key of a message of stream DEDUPE: stream, consumer, sequence and when it was stored. */
	private static String sequenceKey(String consumer, PublishAck ack) throws Exception {
		Instant stored = raw.jetStreamManagement().getMessage("DEDUPE", ack.getSeqno()).getTime().toInstant();
		return "DEDUPE." + consumer + "." + ack.getSeqno() + "."
				+ (stored.getEpochSecond() * 1_000_000_000L + stored.getNano());
	}

	// --- listeners -------------------------------------------------------------------------------------------------

	@Configuration(proxyBeanMethods = false)
	static class ResultListener {

		@JetStreamListener(stream = "ASK", consumer = "upper", filterSubjects = "ask.upper", sendTo = "answers.upper")
		String upper(String text) {
			return text.toUpperCase();
		}

		@JetStreamListener(stream = "ASK", consumer = "drop", filterSubjects = "ask.drop", deadLetter = "false",
				maxDeliver = "1")
		void drop(String text) {
			throw new IllegalStateException("cannot");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StreamOnly {

	}

	@Configuration(proxyBeanMethods = false)
	static class LoadListener {

		final Set<String> seen = ConcurrentHashMap.newKeySet();

		final AtomicInteger concurrent = new AtomicInteger();

		final AtomicInteger maxConcurrent = new AtomicInteger();

		@JetStreamListener(stream = "LOAD", consumer = "load-worker", concurrency = "${load.workers:4}")
		void onMessage(String payload) throws InterruptedException {
			int now = this.concurrent.incrementAndGet();
			this.maxConcurrent.accumulateAndGet(now, Math::max);
			if (this.seen.size() < 200) {
				Thread.sleep(1);
			}
			this.seen.add(payload);
			this.concurrent.decrementAndGet();
		}

	}

	record Order(String id, @Positive int amount) {
	}

	@Configuration(proxyBeanMethods = false)
	static class PoisonListener {

		final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

		final Set<String> good = ConcurrentHashMap.newKeySet();

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@JetStreamListener(stream = "POISON", consumer = "poison-worker", filterSubjects = "poison.work",
				maxDeliver = "3", nonRetryable = IllegalArgumentException.class)
		void onWork(String payload, JetStreamMetadata metadata) {
			int delivery = this.deliveries.computeIfAbsent(payload, (key) -> new AtomicInteger()).incrementAndGet();
			assertThat(metadata.deliveredCount()).isEqualTo(delivery);
			if (payload.startsWith("bad")) {
				throw new IllegalStateException("boom " + payload);
			}
			if (payload.startsWith("fatal")) {
				throw new IllegalArgumentException("cannot ever work", new RuntimeException("cause"));
			}
			this.good.add(payload);
		}

		@JetStreamListener(stream = "POISON", consumer = "poison-orders", filterSubjects = "poison.orders")
		void onOrder(@Valid Order order) {
			this.orders.add(order);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ManualListener {

		final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

		@JetStreamListener(stream = "MANUAL", consumer = "manual", ackMode = "manual", ackWait = "1s")
		void onMessage(String payload, Acknowledgment ack, @Header(NatsHeaders.DELIVERED_COUNT) long delivered) {
			this.deliveries.computeIfAbsent(payload, (key) -> new AtomicInteger()).incrementAndGet();
			switch (payload) {
				case "nak-once" -> {
					if (delivered == 1) {
						ack.nak(Duration.ofMillis(50));
					}
					else {
						ack.ack();
					}
				}
				case "term" -> ack.term();
				case "forget-once" -> {
					if (delivered > 1) {
						ack.ack();
					}
				}
				default -> ack.ack();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SlowListener {

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger finished = new AtomicInteger();

		@JetStreamListener(stream = "SLOW", consumer = "slow", ackWait = "1s")
		void onMessage(String payload) throws InterruptedException {
			this.started.incrementAndGet();
			Thread.sleep(2500);
			this.finished.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@JetStreamListener(stream = "ORDER", consumer = "order", batchSize = "2")
		void onMessage(String payload) throws InterruptedException {
			this.handled.add(payload);
			if (payload.equals("o-0")) {
				Thread.sleep(2500);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DedupeListener {

		final List<String> bySequence = new CopyOnWriteArrayList<>();

		final List<String> byId = new CopyOnWriteArrayList<>();

		@JetStreamListener(id = "by-seq", stream = "DEDUPE", consumer = "by-seq", filterSubjects = "dedupe.seq",
				dedupe = "sequence")
		void onSequence(String payload) {
			this.bySequence.add(payload);
		}

		@JetStreamListener(stream = "DEDUPE", consumer = "by-id", filterSubjects = "dedupe.id", dedupe = "message-id")
		void onId(String payload) {
			this.byId.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecallListener {

		final List<String> plain = new CopyOnWriteArrayList<>();

		final List<String> odd = new CopyOnWriteArrayList<>();

		@JetStreamListener(stream = "RECALL", consumer = "plain", filterSubjects = "recall.plain", dedupe = "sequence")
		void onPlain(String payload) {
			this.plain.add(payload);
		}

		@JetStreamListener(stream = "RECALL", consumer = "odd@name", filterSubjects = "recall.odd",
				dedupe = "sequence")
		void onOdd(String payload) {
			this.odd.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AgainListener {

		final List<String> handled = new CopyOnWriteArrayList<>();

		final AtomicInteger attempts = new AtomicInteger();

		@JetStreamListener(id = "again", stream = "AGAIN", ordered = "true", maxDeliver = "1",
				deadLetterSubject = "parked.again")
		void onMessage(String payload) {
			if (payload.equals("poison")) {
				this.attempts.incrementAndGet();
				throw new IllegalStateException("never works");
			}
			this.handled.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplayListener {

		final List<Integer> all = Collections.synchronizedList(new ArrayList<>());

		final List<Integer> even = Collections.synchronizedList(new ArrayList<>());

		final AtomicInteger attemptsOfTen = new AtomicInteger();

		@JetStreamListener(id = "replay-all", stream = "REPLAY", ordered = "true", nakDelay = "100ms",
				maxDeliver = "3")
		void onAny(Integer number) {
			if (number == 10 && this.attemptsOfTen.incrementAndGet() == 1) {
				throw new IllegalStateException("first attempt of 10 fails");
			}
			if (number == 13) {
				throw new IllegalStateException("13 never works");
			}
			this.all.add(number);
		}

		@JetStreamListener(stream = "REPLAY", ordered = "true", filterSubjects = "replay.even",
				deliverPolicy = "all")
		void onEven(Integer number) {
			this.even.add(number);
		}

	}

}
