package io.github.natsspring.benchmarks;

import java.util.concurrent.CountDownLatch;

import io.nats.client.api.StorageType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.jetstream.reconcile.StreamDeclaration;

/**
 * The starter side of the JetStream scenarios: the stream both sides consume from (declared like an application
 * would) and a {@code @JetStreamListener} that counts messages. The listener does not start with the application;
 * the scenario starts it once the messages are stored, as the raw side starts {@code consume()}.
 */
@Configuration(proxyBeanMethods = false)
public class BenchmarkJetStream {

	/** Id of the benchmark listener with the default batch size. */
	public static final String LISTENER_ID = "bench-jetstream";

	/** Id of the benchmark listener pulling batches of 500, like jnats' default. */
	public static final String LARGE_BATCH_LISTENER_ID = "bench-jetstream-500";

	/** The stream both sides consume from. */
	public static final String STREAM = "BENCH";

	private volatile CountDownLatch received = new CountDownLatch(0);

	@Bean
	StreamDeclaration benchStream() {
		return StreamDeclaration.builder(STREAM).subjects("bench.js.>").storage(StorageType.File).build();
	}

	@JetStreamListener(id = LISTENER_ID, stream = STREAM, consumer = "bench-starter",
			filterSubjects = "bench.js.starter", autoStartup = "false")
	void onMessage(byte[] payload) {
		this.received.countDown();
	}

	@JetStreamListener(id = LARGE_BATCH_LISTENER_ID, stream = STREAM, consumer = "bench-starter-500",
			filterSubjects = "bench.js.starter500", autoStartup = "false", batchSize = "500")
	void onMessageLargeBatch(byte[] payload) {
		this.received.countDown();
	}

	/**
	 * Expects a number of messages.
	 * @param count how many
	 * @return a latch that opens when they all were handled
	 */
	CountDownLatch expect(int count) {
		CountDownLatch latch = new CountDownLatch(count);
		this.received = latch;
		return latch;
	}

}
