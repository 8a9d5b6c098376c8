package io.github.natsspring.subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsServiceErrorException;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

@Tag("compat")
@ExtendWith(OutputCaptureExtension.class)
class NatsListenerTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				JacksonAutoConfiguration.class, ValidationAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=5s");

	@Test
	void typedJsonWithHeadersAndSubject() {
		this.runner.withUserConfiguration(OrderListener.class).run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			OrderListener listener = context.getBean(OrderListener.class);
			template.publish("orders.created", new Order("o-1", 42), Map.of("Tenant", "acme"));
			Received received = listener.received.poll(5, TimeUnit.SECONDS);
			assertThat(received).isNotNull();
			assertThat(received.order()).isEqualTo(new Order("o-1", 42));
			assertThat(received.tenant()).isEqualTo("acme");
			assertThat(received.subject()).isEqualTo("orders.created");
			assertThat(received.contentType()).isEqualTo("application/json");
			assertThat(received.messageId()).isNotBlank();
		});
	}

	@Test
	void requestReplyConvertsBothWays() {
		this.runner.withUserConfiguration(OrderListener.class).run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			Order doubled = template.request("orders.double", new Order("o-2", 21), Order.class);
			assertThat(doubled).isEqualTo(new Order("o-2", 42));
			String text = template.request("orders.echo", "hello", String.class, Duration.ofSeconds(2));
			assertThat(text).isEqualTo("echo: hello");
		});
	}

	@Test
	void invalidAndUnreadableRequestsGetAnErrorReplyAndTheSubscriptionSurvives(CapturedOutput output) throws Exception {
		this.runner.withUserConfiguration(OrderListener.class).run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			try (Connection raw = Nats.connect(nats.url())) {
				Message reply = raw.request("orders.double", "{not json".getBytes(StandardCharsets.UTF_8),
						Duration.ofSeconds(2));
				assertThat(reply.getHeaders().getFirst(NatsHeaders.SERVICE_ERROR_CODE)).isEqualTo("400");
				assertThat(reply.getHeaders().getFirst(NatsHeaders.SERVICE_ERROR)).contains("invalid request");
			}
			assertThatExceptionOfType(NatsServiceErrorException.class)
				.isThrownBy(() -> template.request("orders.double", new Order("", -1), Order.class))
				.satisfies((ex) -> {
					assertThat(ex.getCode()).isEqualTo(400);
					assertThat(ex.getDescription()).contains("id").contains("amount");
				});
			assertThatExceptionOfType(NatsServiceErrorException.class)
				.isThrownBy(() -> template.request("orders.fail", "boom", String.class))
				.satisfies((ex) -> {
					assertThat(ex.getCode()).isEqualTo(500);
					assertThat(ex.getDescription()).isEqualTo("internal error");
				});
			// our reply that cannot be written is our fault, not the caller's
			assertThatExceptionOfType(NatsServiceErrorException.class)
				.isThrownBy(() -> template.request("orders.unwritable", "x", String.class))
				.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(500));
			// the subscription is still there
			assertThat(template.request("orders.double", new Order("o-3", 1), Order.class).amount()).isEqualTo(2);
		});
		// failures are logged with the listener, the message id and the subject; internals stay in the log
		assertThat(output).containsPattern("OrderListener.fail failed on message \\S+ \\(subject 'orders.fail'\\)")
			.contains("secret internals boom");
	}

	@Test
	void queueGroupDeliversEachMessageOnceAcrossMembers() {
		this.runner.withUserConfiguration(QueueListeners.class).run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			QueueListeners listeners = context.getBean(QueueListeners.class);
			for (int i = 0; i < 300; i++) {
				template.publish("jobs.resize", "job-" + i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> listeners.handled.size() >= 300);
			Thread.sleep(200);
			assertThat(listeners.handled).hasSize(300);
			assertThat(listeners.handled.values()).allMatch((count) -> count.get() == 1);
			assertThat(listeners.byMember.get("a").get()).isPositive();
			assertThat(listeners.byMember.get("b").get()).isPositive();
		});
	}

	@Test
	void correlationIdIsCarriedFromTheIncomingMessage() throws Exception {
		this.runner.withUserConfiguration(ForwardingListener.class).run((context) -> {
			try (Connection raw = Nats.connect(nats.url())) {
				BlockingQueue<Message> forwarded = new LinkedBlockingQueue<>();
				raw.createDispatcher(forwarded::add).subscribe("step.two");
				raw.flush(Duration.ofSeconds(2));
				Headers headers = new Headers().put(NatsHeaders.MESSAGE_ID, "m-1").put(NatsHeaders.CORRELATION_ID, "c-1");
				raw.publish(NatsMessage.builder().subject("step.one").headers(headers).data("x").build());
				Message out = forwarded.poll(5, TimeUnit.SECONDS);
				assertThat(out).isNotNull();
				assertThat(out.getHeaders().getFirst(NatsHeaders.CORRELATION_ID)).isEqualTo("c-1");
				assertThat(out.getHeaders().getFirst(NatsHeaders.MESSAGE_ID)).isNotEqualTo("m-1").isNotBlank();
			}
		});
	}

	record Order(@NotBlank String id, @Positive int amount) {
	}

	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("cannot be written");
		}

	}

	record Received(Order order, String tenant, String subject, String contentType, String messageId) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

		@NatsListener(subject = "orders.created")
		void onOrder(Order order, @Header("Tenant") String tenant, @Header(NatsHeaders.SUBJECT) String subject,
				Message message) {
			this.received.add(new Received(order, tenant, subject,
					message.getHeaders().getFirst(NatsHeaders.CONTENT_TYPE),
					message.getHeaders().getFirst(NatsHeaders.MESSAGE_ID)));
		}

		@NatsListener(subject = "orders.double")
		Order doubleIt(@Valid Order order) {
			return new Order(order.id(), order.amount() * 2);
		}

		@NatsListener(subject = "orders.echo")
		String echo(String text) {
			return "echo: " + text;
		}

		@NatsListener(subject = "orders.unwritable")
		Unwritable unwritable(String text) {
			return new Unwritable();
		}

		@NatsListener(subject = "orders.fail")
		String fail(String text) {
			throw new IllegalStateException("secret internals " + text);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QueueListeners {

		final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> byMember = new ConcurrentHashMap<>();

		@NatsListener(subject = "jobs.resize", queue = "resizers", id = "member-a")
		void a(String job) {
			record(job, "a");
		}

		@NatsListener(subject = "jobs.resize", queue = "resizers", id = "member-b", concurrency = "3")
		void b(String job) {
			record(job, "b");
		}

		private void record(String job, String member) {
			this.handled.computeIfAbsent(job, (key) -> new AtomicInteger()).incrementAndGet();
			this.byMember.computeIfAbsent(member, (key) -> new AtomicInteger()).incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ForwardingListener {

		@Bean
		Forwarder forwarder(NatsTemplate template) {
			return new Forwarder(template);
		}

	}

	static class Forwarder {

		private final NatsTemplate template;

		Forwarder(NatsTemplate template) {
			this.template = template;
		}

		@NatsListener(subject = "step.one")
		void forward(String payload) {
			this.template.publish("step.two", payload);
		}

	}

	static List<String> unused = new CopyOnWriteArrayList<>();

}
