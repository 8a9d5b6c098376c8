package io.github.natsspring.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

import io.github.natsspring.jetstream.reconcile.FailureAnalysisSupport;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.JetStreamTopology;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invalid declarations fail startup before anything is sent, with the property and the fix.
 */
class JetStreamDeclarationValidationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	static Connection raw;

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=1s");

	@BeforeAll
	static void connect() throws Exception {
		raw = Nats.connect(nats.url());
	}

	@AfterAll
	static void close() throws Exception {
		raw.close();
	}

	@AfterEach
	void nothingWasSent() throws Exception {
		assertThat(raw.jetStreamManagement().getStreamNames()).allMatch((name) -> name.startsWith("VALID_"));
	}

	@Test
	void unknownEnumValue() {
		FailureAnalysis analysis = failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].storage=disk");
		assertThat(analysis.getDescription()).contains("nats.jetstream.streams").contains("storage").contains("disk");
		assertThat(analysis.getAction()).contains("file").contains("memory");
	}

	@Test
	void streamWithoutSubjects() {
		FailureAnalysis analysis = failure("nats.jetstream.streams[ORDERS].max-age=1h");
		assertThat(analysis.getDescription())
			.contains("'nats.jetstream.streams[ORDERS].subjects': stream 'ORDERS' declares no subjects");
		assertThat(analysis.getAction()).contains("nats.jetstream.streams[ORDERS].subjects=orders.>");
	}

	@Test
	void invalidSubjectTokens() {
		FailureAnalysis analysis = failure("nats.jetstream.streams[ORDERS].subjects=orders..created");
		assertThat(analysis.getDescription()).contains("nats.jetstream.streams[ORDERS].subjects[0]")
			.contains("orders..created")
			.contains("empty token");
		assertThat(failure("nats.jetstream.streams[ORDERS].subjects=orders.>.x").getDescription())
			.contains("'>' must be the last token");
	}

	@Test
	void subjectsOverlappingBetweenDeclaredStreams() {
		FailureAnalysis analysis = failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[AUDIT].subjects=orders.created,audit.>");
		assertThat(analysis.getDescription()).contains("nats.jetstream.streams[AUDIT].subjects")
			.contains("'orders.created' of stream 'AUDIT' overlaps subject 'orders.>' of stream 'ORDERS'");
		assertThat(analysis.getAction()).contains("disjoint");
	}

	@Test
	void backoffWithMoreStepsThanMaxDeliverAllows() {
		FailureAnalysis analysis = failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].consumers[worker].max-deliver=3",
				"nats.jetstream.streams[ORDERS].consumers[worker].backoff=1s,5s,30s");
		assertThat(analysis.getDescription()).contains("nats.jetstream.streams[ORDERS].consumers[worker].backoff")
			.contains("backoff has 3 steps, but max-deliver 3 allows only 2 redeliveries");
		assertThat(analysis.getAction()).contains("Set max-deliver to at least 4");
	}

	@Test
	void negativeSizesAndDurations() {
		assertThat(failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].max-bytes=-5MB")
			.getDescription()).contains("nats.jetstream.streams[ORDERS].max-bytes").contains("is not allowed");
		assertThat(failure("nats.jetstream.key-value[CONFIG].max-value-size=-2B").getDescription())
			.contains("nats.jetstream.key-value[CONFIG].max-value-size");
		assertThat(failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].max-age=-1h")
			.getDescription()).contains("max-age").contains("must not be negative");
		assertThat(failure("nats.jetstream.key-value[CONFIG].history=100").getDescription())
			.contains("history 100 is out of range");
	}

	@Test
	void namesNatsWouldReject() {
		assertThat(failure("nats.jetstream.streams[orders.v1].subjects=orders.>").getDescription())
			.contains("nats.jetstream.streams[orders.v1]")
			.contains("contains '.'");
		assertThat(failure("nats.jetstream.key-value[CONFIG].name=my config").getDescription())
			.contains("nats.jetstream.key-value[CONFIG].name")
			.contains("may contain only letters, digits, '-' and '_'");
	}

	@Test
	void consumerSettingsThatCanNeverWork() {
		assertThat(failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].consumers[w].filter-subjects=payments.*")
			.getDescription()).contains("filter subject 'payments.*' matches none of the stream's subjects");
		assertThat(failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].consumers[w].deliver-policy=by-start-sequence")
			.getDescription()).contains("deliver-policy by-start-sequence needs a start-sequence");
	}

	@Test
	void aMapKeyThatSpringBootWouldChangeFailsWithBothFixes() {
		FailureAnalysis analysis = failure("nats.jetstream.streams.ORDERS@EU.subjects=orders.eu.>");
		assertThat(analysis.getDescription()).contains("nats.jetstream.streams.ORDERS@EU")
			.contains("binds as 'ORDERSEU'");
		assertThat(analysis.getAction()).contains("\"[ORDERS@EU]\":")
			.contains("nats.jetstream.streams[ORDERS@EU]")
			.contains("nats.jetstream.streams.ORDERSEU.name=ORDERS@EU");
		assertThat(failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].consumers.order@worker.ack-wait=5s")
			.getDescription()).contains("binds as 'orderworker'");
		assertThat(failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].metadata.team@name=billing")
			.getDescription()).contains("metadata key 'team@name' binds as 'teamname'");
	}

	@Test
	void aChangedKeyFromYamlFailsToo() {
		this.runner.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(
				yaml("jetstream-mangled.yml")))
			.run((context) -> assertThat(FailureAnalysisSupport.analyze(context.getStartupFailure()).getDescription())
				.contains("binds as 'ORDERSEU'"));
	}

	@Test
	void aMisspeltSettingFailsInsteadOfBeingIgnored() {
		FailureAnalysis analysis = failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].max-agee=1h");
		assertThat(analysis.getDescription()).contains("nats.jetstream.streams[ORDERS].max-agee")
			.contains("'max-agee' is not a setting of a stream");
		assertThat(analysis.getAction()).contains("max-age").contains("subjects");
		assertThat(failure("nats.jetstream.streams[ORDERS].subjects=orders.>",
				"nats.jetstream.streams[ORDERS].consumers[w].ack-wiat=5s")
			.getDescription()).contains("'ack-wiat' is not a setting of a consumer");
		assertThat(failure("nats.jetstream.streams[COPY].sources[0].nam=ORDERS").getDescription())
			.contains("'nam' is not a setting of a source");
		assertThat(failure("nats.jetstream.key-value[CONFIG].histroy=3").getDescription())
			.contains("'histroy' is not a setting of a key value");
	}

	@Test
	void bracketsUnderscoresAndExplicitNamesKeepTheName() {
		this.runner.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(
				yaml("jetstream-map-keys.yml")))
			.withPropertyValues("nats.jetstream.reconcile.mode=validate",
					"nats.jetstream.streams.VALID$ONE.name=VALID_ONE", "nats.jetstream.streams.VALID$ONE.subjects=v1.>",
					"nats.jetstream.streams.VALID_TWO.max-age=1h", "nats.jetstream.streams.VALID_TWO.subjects=v2.>")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JetStreamTopology topology = context.getBean(JetStreamTopology.class);
				assertThat(topology.getStreams()).extracting((stream) -> stream.name())
					.containsExactlyInAnyOrder("BILLING_EVENTS", "PAYMENTS_IN", "ORDERS:EU", "VALID_ONE", "VALID_TWO");
				assertThat(topology.getConsumer("BILLING_EVENTS", "invoice_worker")).isPresent();
				assertThat(context.getBean(JetStreamReconciler.class).getReport().resources()).hasSize(6);
			});
	}

	private FailureAnalysis failure(String... properties) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = FailureAnalysisSupport.analyze(context.getStartupFailure());
		});
		return analysis[0];
	}

	private static org.springframework.core.env.PropertySource<?> yaml(String name) {
		try {
			return new YamlPropertySourceLoader().load(name, new ClassPathResource(name)).get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
