package io.github.natsspring.sample.billing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.OrderedConsumerConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.natsspring.core.NatsServiceErrorException;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.sample.billing.command.CreateInvoice;
import io.github.natsspring.sample.billing.event.InvoiceEvent;
import io.github.natsspring.sample.billing.event.InvoiceEventType;
import io.github.natsspring.sample.billing.invoice.Invoice;
import io.github.natsspring.sample.billing.invoice.InvoiceLine;
import io.github.natsspring.sample.billing.query.InvoiceView;
import io.github.natsspring.test.NatsClusterExtension;
import io.github.natsspring.test.NatsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The billing service on a three-node cluster, its streams and buckets with three replicas, while every node is
 * restarted in turn (graceful stop, start, catch-up): every invoice whose creation was answered has exactly one
 * created event and reaches the read model. Newest server only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
class BillingServiceRollingRestartTests {

	@RegisterExtension
	static final NatsClusterExtension nats = NatsClusterExtension.jetStream();

	@DynamicPropertySource
	static void natsProperties(DynamicPropertyRegistry registry) {
		registry.add("nats.servers", nats::url);
		registry.add("nats.jetstream.streams[BILLING_EVENTS].replicas", () -> "3");
		registry.add("nats.jetstream.key-value[INVOICES].replicas", () -> "3");
		registry.add("nats.jetstream.key-value[INVOICE_VIEWS].replicas", () -> "3");
		registry.add("nats.jetstream.key-value[BILLING_FLAGS].replicas", () -> "3");
		registry.add("nats.jetstream.object-store[INVOICE_DOCUMENTS].replicas", () -> "3");
		registry.add("nats.jetstream.listener.dead-letter.replicas", () -> "3");
		registry.add("nats.request-timeout", () -> "2s");
	}

	@Autowired
	NatsTemplate template;

	@Autowired
	JsonMapper jsonMapper;

	@Test
	void aRollingRestartOfEveryNodeLosesNothing() throws Exception {
		Set<String> created = ConcurrentHashMap.newKeySet();
		AtomicInteger failedAttempts = new AtomicInteger();
		AtomicLong slowestMillis = new AtomicLong();
		AtomicBoolean running = new AtomicBoolean(true);
		Thread flow = new Thread(() -> {
			for (int i = 0; running.get(); i++) {
				CreateInvoice command = new CreateInvoice("roll-" + i, "acme",
						List.of(new InvoiceLine("Support", 1, 1000 + i)));
				long start = System.nanoTime();
				// commands are idempotent: a client that got no answer sends the same one again
				while (running.get() || !created.contains(command.invoiceId())) {
					try {
						this.template.request("billing.cmd.invoice.create", command, Invoice.class);
						created.add(command.invoiceId());
						break;
					}
					catch (RuntimeException ex) {
						failedAttempts.incrementAndGet();
						if (System.nanoTime() - start > Duration.ofSeconds(30).toNanos()) {
							break;
						}
					}
				}
				slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
			}
		}, "billing-flow");
		flow.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> created.size() > 50);
		List<String> restarts = new ArrayList<>();
		long rollStart = System.nanoTime();
		for (NatsServer node : nats.cluster().nodes()) {
			long start = System.nanoTime();
			nats.cluster().restart(node.name());
			restarts.add(node.name() + " " + (System.nanoTime() - start) / 1_000_000 + "ms");
			int before = created.size();
			// the flow goes on between restarts
			await().atMost(Duration.ofSeconds(30)).until(() -> created.size() > before + 20);
		}
		long rollMillis = (System.nanoTime() - rollStart) / 1_000_000;
		running.set(false);
		flow.join(40_000);

		await().atMost(Duration.ofSeconds(30)).until(() -> created.stream().allMatch((id) -> view(id) != null));
		Map<String, Integer> createdEvents = createdEventsByInvoice();
		long duplicates = createdEvents.values().stream().mapToLong((count) -> count - 1).sum();
		long lost = created.stream().filter((id) -> !createdEvents.containsKey(id)).count();
		System.out.println("FAILOVER rolling restart: invoices created " + created.size() + ", failed attempts "
				+ failedAttempts.get() + ", slowest command " + slowestMillis.get() + "ms, created events lost " + lost
				+ ", duplicated " + duplicates + ", restarts " + restarts + ", whole roll " + rollMillis + "ms");
		assertThat(lost).isZero();
		assertThat(duplicates).isZero();
	}

	/** Reads BILLING_EVENTS once and counts the created events per invoice. */
	private Map<String, Integer> createdEventsByInvoice() throws Exception {
		Map<String, Integer> counts = new ConcurrentHashMap<>();
		try (Connection raw = Nats.connect(new Options.Builder().servers(nats.url().split(",")).build())) {
			long last = raw.jetStreamManagement().getStreamInfo("BILLING_EVENTS").getStreamState().getLastSequence();
			OrderedConsumerContext consumer = raw.getStreamContext("BILLING_EVENTS")
				.createOrderedConsumer(new OrderedConsumerConfiguration());
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			long sequence = 0;
			while (sequence < last && System.nanoTime() < deadline) {
				Message message = consumer.next(Duration.ofSeconds(2));
				if (message == null) {
					continue;
				}
				sequence = message.metaData().streamSequence();
				InvoiceEvent event = this.jsonMapper.readValue(message.getData(), InvoiceEvent.class);
				if (event.type() == InvoiceEventType.CREATED) {
					counts.merge(event.invoice().id(), 1, Integer::sum);
				}
			}
			assertThat(sequence).as("events read").isEqualTo(last);
		}
		return counts;
	}

	private InvoiceView view(String id) {
		try {
			return this.template.request("billing.qry.invoice.by_id", id, InvoiceView.class);
		}
		catch (NatsServiceErrorException ex) {
			return null;
		}
	}

}
