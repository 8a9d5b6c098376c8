package io.github.natsspring.jetstream.listener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.OrderedConsumerConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamListenerAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;

/**
 * Shared set-up of the {@code @JetStreamListener} tests: a runner with the auto-configurations and short timings,
 * and raw jnats helpers to look at streams and consumers.
 */
final class JetStreamTesting {

	private JetStreamTesting() {
	}

	/**
	 * A runner against the given server, with short delays, intervals and timeouts so that tests stay fast.
	 */
	static ApplicationContextRunner runner(String url) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
					NatsJetStreamAutoConfiguration.class, NatsJetStreamListenerAutoConfiguration.class,
					JacksonAutoConfiguration.class, ValidationAutoConfiguration.class))
			.withPropertyValues("nats.servers=" + url, "nats.drain-timeout=2s", "nats.listener.shutdown-timeout=5s",
					"nats.jetstream.listener.nak-delay=50ms", "nats.jetstream.listener.expires=1s",
					"nats.jetstream.listener.consumer-info-interval=200ms",
					"nats.jetstream.listener.dead-letter.storage=memory");
	}

	static String text(Message message) {
		return new String(message.getData(), StandardCharsets.UTF_8);
	}

	/**
	 * Reads the messages of a stream (optionally only one subject) from the start, waiting up to the timeout for the
	 * expected number.
	 */
	static List<Message> read(Connection raw, String stream, String subject, int expected, Duration timeout)
			throws Exception {
		OrderedConsumerConfiguration configuration = new OrderedConsumerConfiguration();
		if (subject != null) {
			configuration.filterSubject(subject);
		}
		OrderedConsumerContext consumer = raw.getStreamContext(stream).createOrderedConsumer(configuration);
		List<Message> messages = new ArrayList<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (messages.size() < expected && System.nanoTime() < deadline) {
			Message message = consumer.next(Duration.ofMillis(Math.max(1000,
					Math.min(2000, (deadline - System.nanoTime()) / 1_000_000))));
			if (message != null) {
				messages.add(message);
			}
		}
		return messages;
	}

	static ConsumerInfo consumer(Connection raw, String stream, String consumer)
			throws IOException, JetStreamApiException {
		return raw.jetStreamManagement().getConsumerInfo(stream, consumer);
	}

	static boolean settled(Connection raw, String stream, String consumer) {
		try {
			ConsumerInfo info = consumer(raw, stream, consumer);
			return info.getNumPending() == 0 && info.getNumAckPending() == 0;
		}
		catch (Exception ex) {
			return false;
		}
	}

}
