package io.github.natsspring.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.MessageHandler;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import tools.jackson.databind.json.JsonMapper;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsTemplate;

/**
 * Core NATS. Receiving: a raw publisher floods 128-byte messages at full speed to a {@code @NatsListener} (on the
 * application's connection) or to a jnats dispatcher doing the same work (on a plain connection), for
 * {@code byte[]}, {@code String} and JSON payloads; the clock runs from the first publish to the last message
 * handled. Sending: {@code NatsTemplate.publish(byte[])} against {@code Connection.publish} with the same envelope
 * headers, to a raw subscriber.
 */
final class CorePairs {

	static final int PAYLOAD_SIZE = 128;

	private CorePairs() {
	}

	static List<Pair> all() {
		return List.of(
				receive("@NatsListener(byte[]) <- raw publisher (128 B)", "jnats dispatcher", "@NatsListener(byte[])",
						payload(), BenchmarkListeners.BYTES, (countdown) -> (message) -> countdown.count(message.getData().length)),
				receive("@NatsListener(String) <- raw publisher (128 B)", "jnats dispatcher, new String(UTF-8)",
						"@NatsListener(String)", payload(), BenchmarkListeners.STRING,
						(countdown) -> (message) -> countdown
							.count(new String(message.getData(), StandardCharsets.UTF_8).length())),
				receiveJson(),
				Pair.throughput("NatsTemplate.publish(byte[]) -> raw subscriber (128 B)",
						Side.of("Connection.publish with Message-Id, Correlation-Id", CorePairs::rawPublish),
						Side.of("NatsTemplate.publish(byte[])", CorePairs::templatePublish), 0.95));
	}

	static byte[] payload() {
		byte[] payload = new byte[PAYLOAD_SIZE];
		Arrays.fill(payload, (byte) 'x');
		return payload;
	}

	private static Pair receiveJson() {
		String name = "@NatsListener(Reading) JSON <- raw publisher (" + Reading.json().length + " B)";
		return new Pair(name, Side.of("jnats dispatcher, same JsonMapper", (environment, operations) -> {
			JsonMapper mapper = environment.bean(JsonMapper.class);
			Countdown countdown = environment.bean(Countdown.class);
			return floodRaw(environment, operations, Reading.json(), countdown,
					(message) -> countdown.count(mapper.readValue(message.getData(), Reading.class).sequence()));
		}), Side.of("@NatsListener(Reading)",
				(environment, operations) -> flood(environment, BenchmarkListeners.JSON, Reading.json(), operations)),
				Pair.Goal.throughput(0.90), 1.0);
	}

	private static Pair receive(String name, String rawLabel, String starterLabel, byte[] payload, String subject,
			java.util.function.Function<Countdown, MessageHandler> rawHandler) {
		return Pair.throughput(name, Side.of(rawLabel, (environment, operations) -> {
			Countdown countdown = environment.bean(Countdown.class);
			return floodRaw(environment, operations, payload, countdown, rawHandler.apply(countdown));
		}), Side.of(starterLabel, (environment, operations) -> flood(environment, subject, payload, operations)), 0.90);
	}

	private static Result floodRaw(BenchmarkEnvironment environment, int operations, byte[] payload,
			Countdown countdown, MessageHandler handler) throws Exception {
		Connection raw = environment.raw();
		Dispatcher dispatcher = raw.createDispatcher(handler);
		dispatcher.subscribe("bench.raw.receive");
		raw.flush(Duration.ofSeconds(5));
		try {
			return flood(environment, "bench.raw.receive", payload, operations);
		}
		finally {
			raw.closeDispatcher(dispatcher);
		}
	}

	/**
	 * Publishes at full speed from the load connection and waits until every message was handled.
	 */
	private static Result flood(BenchmarkEnvironment environment, String subject, byte[] payload, int operations)
			throws Exception {
		Countdown countdown = environment.bean(Countdown.class);
		countdown.expect(operations);
		Connection load = environment.load();
		long start = System.nanoTime();
		for (int i = 0; i < operations; i++) {
			load.publish(subject, payload);
		}
		countdown.await(subject);
		return Result.throughput(operations, System.nanoTime() - start);
	}

	private static Result rawPublish(BenchmarkEnvironment environment, int operations) throws Exception {
		Connection raw = environment.raw();
		byte[] payload = payload();
		return intoSink(environment, operations, () -> {
			for (int i = 0; i < operations; i++) {
				Headers headers = new Headers();
				String id = NUID.nextGlobal();
				headers.put(NatsHeaders.MESSAGE_ID, id);
				headers.put(NatsHeaders.CORRELATION_ID, id);
				raw.publish(NatsMessage.builder().subject("bench.sink").headers(headers).data(payload).build());
			}
		});
	}

	private static Result templatePublish(BenchmarkEnvironment environment, int operations) throws Exception {
		NatsTemplate template = environment.bean(NatsTemplate.class);
		byte[] payload = payload();
		return intoSink(environment, operations, () -> {
			for (int i = 0; i < operations; i++) {
				template.publish("bench.sink", payload);
			}
		});
	}

	/**
	 * Runs the sending, with a subscriber on the load connection counting what arrives.
	 */
	private static Result intoSink(BenchmarkEnvironment environment, int operations, Runnable sending)
			throws Exception {
		Countdown countdown = environment.bean(Countdown.class);
		countdown.expect(operations);
		Connection load = environment.load();
		Dispatcher sink = load.createDispatcher((message) -> countdown.count(message.getData().length));
		sink.subscribe("bench.sink");
		load.flush(Duration.ofSeconds(5));
		try {
			long start = System.nanoTime();
			sending.run();
			countdown.await("bench.sink");
			return Result.throughput(operations, System.nanoTime() - start);
		}
		finally {
			load.closeDispatcher(sink);
		}
	}

}
