package io.github.natsspring.jetstream.reconcile;

import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup reconciliation is planned on the connection made ahead of the start, while the context is still being
 * built, and applied at the start: what it reports and writes is what a run at the start would, and a context that
 * fails before it starts writes nothing.
 */
class PlansAheadTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	static Connection raw;

	static JetStreamManagement jsm;

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=1s");

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
	void aContextThatFailsBeforeItStartsWritesNothing() throws Exception {
		this.runner.withPropertyValues("nats.jetstream.streams[AHEAD_FAILED].subjects=ahead.failed.>")
			.withUserConfiguration(FailingAfterTheReconciler.class)
			.run((context) -> assertThat(context).hasFailed());
		// the planning ran on its own thread while the context failed: give it time to have written, had it
		Thread.sleep(1000);
		assertThat(jsm.getStreamNames()).doesNotContain("AHEAD_FAILED");
	}

	@Test
	void theStartAppliesThePlansAndASecondStartFindsNothingToDo() {
		String[] properties = { "nats.jetstream.streams[AHEAD_NEW].subjects=ahead.new.>",
				"nats.jetstream.streams[AHEAD_NEW].max-msgs=100",
				"nats.jetstream.streams[AHEAD_NEW].consumers[ahead_worker].ack-wait=10s" };
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			ReconcileReport report = context.getBean(JetStreamReconciler.class).getReport();
			assertThat(report.resources()).extracting(ResourceReport::status)
				.containsExactly(ResourceStatus.CREATED, ResourceStatus.CREATED);
			assertThat(jsm.getStreamInfo("AHEAD_NEW").getConfiguration().getMaxMsgs()).isEqualTo(100);
			assertThat(jsm.getConsumerInfo("AHEAD_NEW", "ahead_worker").getConsumerConfiguration().getAckWait())
				.hasSeconds(10);
		});
		this.runner.withPropertyValues(properties).withPropertyValues("nats.jetstream.streams[AHEAD_NEW].max-msgs=200")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<ResourceReport> resources = context.getBean(JetStreamReconciler.class).getReport().resources();
				assertThat(resources).extracting(ResourceReport::status)
					.containsExactly(ResourceStatus.UPDATED, ResourceStatus.UNCHANGED);
				assertThat(jsm.getStreamInfo("AHEAD_NEW").getConfiguration().getMaxMsgs()).isEqualTo(200);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingAfterTheReconciler {

		@Bean
		Object failsOnCreation(JetStreamReconciler reconciler) {
			throw new IllegalStateException("this bean cannot be created");
		}

	}

}
