package io.github.natsspring.jetstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Publishing with storage acknowledgements against a real server, into a stream the reconciler creates.
 */
@Tag("compat")
class JetStreamTemplateTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	static Connection raw;

	static JetStreamManagement jsm;

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=1s",
				"nats.jetstream.streams[ORDERS].subjects=orders.>", "nats.jetstream.streams[ORDERS].duplicate-window=1m",
				"nats.jetstream.publish.max-in-flight=8");

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(nats.url());
		jsm = raw.jetStreamManagement();
	}

	@AfterAll
	static void close() throws Exception {
		raw.close();
	}

	@Test
	void publishReturnsTheStorageAcknowledgementAndConvertsLikeNatsTemplate() {
		this.runner.run((context) -> {
			JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
			PublishResult first = template.publish("orders.created", new Order("o-1", 42), Map.of("Tenant", "acme"));
			PublishResult second = template.publish("orders.created", "plain text");
			assertThat(first.stream()).isEqualTo("ORDERS");
			assertThat(second.sequence()).isEqualTo(first.sequence() + 1);
			assertThat(first.duplicate()).isFalse();
			assertThat(first.messageId()).isNull();
			MessageInfo stored = jsm.getMessage("ORDERS", first.sequence());
			assertThat(new String(stored.getData())).isEqualTo("{\"id\":\"o-1\",\"amount\":42}");
			assertThat(stored.getHeaders().getFirst(NatsHeaders.CONTENT_TYPE)).isEqualTo("application/json");
			assertThat(stored.getHeaders().getFirst("Tenant")).isEqualTo("acme");
			assertThat(stored.getHeaders().getFirst(NatsHeaders.MESSAGE_ID)).isNotBlank();
			assertThat(stored.getHeaders().getFirst(NatsHeaders.CORRELATION_ID)).isNotBlank();
			// no de-duplication id unless asked for: the server keeps every id for the whole duplicate window
			assertThat(stored.getHeaders().getFirst(NatsHeaders.NATS_MSG_ID)).isNull();
		});
	}

	@Test
	void aMessageIdDeduplicatesAndIsAlsoTheEnvelopeId() {
		this.runner.run((context) -> {
			JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
			PublishOptions options = PublishOptions.builder().messageId("order-7-created").build();
			PublishResult first = template.publish("orders.created", "seven", options);
			PublishResult again = template.publish("orders.created", "seven", options);
			assertThat(first.duplicate()).isFalse();
			assertThat(again.duplicate()).isTrue();
			assertThat(again.sequence()).isEqualTo(first.sequence());
			assertThat(again.messageId()).isEqualTo("order-7-created");
			MessageInfo stored = jsm.getMessage("ORDERS", first.sequence());
			assertThat(stored.getHeaders().getFirst(NatsHeaders.NATS_MSG_ID)).isEqualTo("order-7-created");
			assertThat(stored.getHeaders().getFirst(NatsHeaders.MESSAGE_ID)).isEqualTo("order-7-created");
			// a Nats-Msg-Id header works the same way
			PublishResult byHeader = template.publish("orders.created", "seven",
					Map.of(NatsHeaders.NATS_MSG_ID, "order-7-created"), null);
			assertThat(byHeader.duplicate()).isTrue();
		});
	}

	@Test
	void expectedSequencesGuardConcurrentWriters() {
		this.runner.run((context) -> {
			JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
			PublishResult last = template.publish("orders.account.1", "opened");
			PublishResult next = template.publish("orders.account.1", "credited",
					PublishOptions.builder().expectedLastSequence(last.sequence()).build());
			assertThat(next.sequence()).isEqualTo(last.sequence() + 1);
			assertThatExceptionOfType(JetStreamWrongSequenceException.class)
				.isThrownBy(() -> template.publish("orders.account.1", "stale",
						PublishOptions.builder().expectedLastSequence(last.sequence()).build()))
				.satisfies((ex) -> {
					assertThat(ex.getApiErrorCode()).isEqualTo(10071);
					assertThat(ex.getSubject()).isEqualTo("orders.account.1");
				});
			PublishResult other = template.publish("orders.account.2", "opened");
			template.publish("orders.account.1", "debited",
					PublishOptions.builder().expectedLastSubjectSequence(next.sequence()).build());
			assertThatExceptionOfType(JetStreamWrongSequenceException.class)
				.isThrownBy(() -> template.publish("orders.account.2", "stale",
						PublishOptions.builder().expectedLastSubjectSequence(other.sequence() - 1).build()));
			CompletableFuture<PublishResult> async = template.publishAsync("orders.account.2", "stale", Map.of(),
					PublishOptions.builder().expectedLastSubjectSequence(1).build());
			assertThat(async).failsWithin(Duration.ofSeconds(5))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(JetStreamWrongSequenceException.class);
		});
	}

	@Test
	void aSubjectNoStreamCapturesFailsFastWithItsOwnException() {
		this.runner.run((context) -> {
			JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(JetStreamNoStreamException.class)
				.isThrownBy(() -> template.publish("payments.created", "lost"))
				.withMessageContaining("payments.created");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			assertThat(template.publishAsync("payments.created", "lost")).failsWithin(Duration.ofSeconds(5))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(JetStreamNoStreamException.class);
		});
	}

	@Test
	void aMissingAcknowledgementIsATimeoutNotAMissingStream() throws Exception {
		// something answers requests on the subject, but it is not a stream and never acknowledges
		io.nats.client.Subscription silent = raw.subscribe("silent.orders");
		raw.flush(Duration.ofSeconds(1));
		try {
			this.runner.run((context) -> {
				JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
				assertThatExceptionOfType(JetStreamAckTimeoutException.class)
					.isThrownBy(() -> template.publish("silent.orders", "lost?",
							PublishOptions.builder().streamTimeout(Duration.ofMillis(300)).build()))
					.satisfies((ex) -> assertThat(ex.getTimeout()).isEqualTo(Duration.ofMillis(300)));
			});
		}
		finally {
			silent.unsubscribe();
		}
	}

	@Test
	void asyncPublishesAreBoundedByMaxInFlight() {
		this.runner.run((context) -> {
			JetStreamTemplate template = context.getBean(JetStreamTemplate.class);
			assertThat(template.getMaxInFlight()).isEqualTo(8);
			long before = jsm.getStreamInfo("ORDERS").getStreamState().getLastSequence();
			List<CompletableFuture<PublishResult>> acks = new ArrayList<>();
			int maxSeen = 0;
			for (int i = 0; i < 2000; i++) {
				acks.add(template.publishAsync("orders.bulk", "n" + i));
				maxSeen = Math.max(maxSeen, template.getInFlight());
			}
			CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
			assertThat(maxSeen).isBetween(1, 8);
			assertThat(acks).allSatisfy((ack) -> assertThat(ack.join().stream()).isEqualTo("ORDERS"));
			assertThat(acks.get(acks.size() - 1).join().sequence()).isEqualTo(before + 2000);
			assertThat(template.getInFlight()).isZero();
		});
	}

	record Order(String id, int amount) {
	}

}
