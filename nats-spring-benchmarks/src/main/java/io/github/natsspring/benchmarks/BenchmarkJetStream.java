package io.github.natsspring.benchmarks;

import io.nats.client.api.StorageType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.jetstream.reconcile.StreamDeclaration;

/**
 * The starter side of the JetStream pairs: the streams (declared like an application would) and
 * {@code @JetStreamListener}s that count messages, at their default settings and with concurrency 4. The listeners
 * do not start with the application; a round starts one once its messages are stored, as the raw side starts
 * {@code consume()}.
 */
@Configuration(proxyBeanMethods = false)
public class BenchmarkJetStream {

	/** Id of the listener at its defaults. */
	public static final String DEFAULTS = "bench-jetstream";

	/** Id of the listener with concurrency 4. */
	public static final String CONCURRENT = "bench-jetstream-c4";

	/** The stream the consume pairs read. */
	public static final String STREAM = "BENCH";

	/** The stream the publish pairs write. */
	public static final String PUBLISH_STREAM = "BENCH_PUBLISH";

	private final Countdown countdown;

	public BenchmarkJetStream(Countdown countdown) {
		this.countdown = countdown;
	}

	@Bean
	static StreamDeclaration benchStream() {
		return StreamDeclaration.builder(STREAM).subjects("bench.js.>").storage(StorageType.File).build();
	}

	@Bean
	static StreamDeclaration benchPublishStream() {
		return StreamDeclaration.builder(PUBLISH_STREAM).subjects("bench.publish.>").storage(StorageType.File).build();
	}

	@JetStreamListener(id = DEFAULTS, stream = STREAM, consumer = "bench-starter", filterSubjects = "bench.js.starter",
			autoStartup = "false")
	void onMessage(byte[] payload) {
		this.countdown.count(payload.length);
	}

	@JetStreamListener(id = CONCURRENT, stream = STREAM, consumer = "bench-starter-c4",
			filterSubjects = "bench.js.starter-c4", autoStartup = "false", concurrency = "4")
	void onMessageConcurrently(byte[] payload) {
		this.countdown.count(payload.length);
	}

}
