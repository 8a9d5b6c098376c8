package io.github.natsspring.connection;

import java.nio.file.Files;
import java.nio.file.Path;

import io.nats.client.NKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.health.NatsConnectionHealthIndicator;
import io.github.natsspring.test.NatsServer;
import io.github.natsspring.testsupport.Echo;
import io.github.natsspring.testsupport.FailureAnalyzers;
import io.github.natsspring.testsupport.OperatorMode;
import io.github.natsspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The security ladder end to end against real servers: user/password, token, NKey, TLS, mTLS and JWT credentials
 * in operator mode; wrong credentials fail clearly and no secret shows up anywhere.
 */
@Tag("compat")
@ExtendWith(OutputCaptureExtension.class)
class NatsAuthenticationTests {

	private static final String PASSWORD = "pa55-Very-Secret";

	private static final String TOKEN = "tok-Very-Secret-123";

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				JacksonAutoConfiguration.class, SslAutoConfiguration.class))
		.withUserConfiguration(Echo.class)
		.withPropertyValues("nats.reconnect.wait=200ms");

	@Test
	void usernameAndPassword(CapturedOutput output) {
		try (NatsServer server = server("authorization { user: app, password: \"" + PASSWORD + "\" }")) {
			this.runner.withPropertyValues("nats.servers=" + server.url(), "nats.username=app", "nats.password=" + PASSWORD)
				.run((context) -> assertEchoWorks(context.getBean(NatsTemplate.class)));
			this.runner
				.withPropertyValues("nats.servers=" + server.url(), "nats.username=app", "nats.password=wrong-" + PASSWORD,
						"nats.fail-fast=true")
				.run((context) -> assertAuthorizationFailure(context.getStartupFailure()));
			assertThat(output).doesNotContain(PASSWORD);
		}
	}

	@Test
	void wrongPasswordWithoutFailFastStartsAndReportsDownWithoutSecrets(CapturedOutput output) {
		try (NatsServer server = server("authorization { user: app, password: \"" + PASSWORD + "\" }")) {
			this.runner
				.withPropertyValues("nats.servers=nats://app:wrong-" + PASSWORD + "@127.0.0.1:" + server.port())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					NatsConnectionManager manager = context.getBean(NatsConnectionManager.class);
					assertThat(manager.getState()).isEqualTo(NatsConnectionState.CONNECTING);
					Health health = new NatsConnectionHealthIndicator(manager).health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(String.valueOf(health.getDetails().get("lastError"))).containsIgnoringCase("authorization");
					assertThat(health.toString()).doesNotContain(PASSWORD);
					assertThat(health.getDetails().get("servers").toString()).contains("******@127.0.0.1");
				});
			assertThat(output).contains("NATS is not available").doesNotContain(PASSWORD);
		}
	}

	@Test
	void token(CapturedOutput output) {
		try (NatsServer server = server("authorization { token: \"" + TOKEN + "\" }")) {
			this.runner.withPropertyValues("nats.servers=" + server.url(), "nats.token=" + TOKEN)
				.run((context) -> assertEchoWorks(context.getBean(NatsTemplate.class)));
			this.runner.withPropertyValues("nats.servers=" + server.url(), "nats.token=nope", "nats.fail-fast=true")
				.run((context) -> assertAuthorizationFailure(context.getStartupFailure()));
			assertThat(output).doesNotContain(TOKEN);
		}
	}

	@Test
	void nkey(CapturedOutput output) throws Exception {
		NKey user = NKey.createUser(null);
		Path seed = Files.writeString(this.dir.resolve("user.nk"), new String(user.getSeed()));
		try (NatsServer server = server(
				"authorization { users: [ { nkey: \"" + new String(user.getPublicKey()) + "\" } ] }")) {
			this.runner.withPropertyValues("nats.servers=" + server.url(), "nats.nkey=file:" + seed)
				.run((context) -> assertEchoWorks(context.getBean(NatsTemplate.class)));
			Path otherSeed = Files.writeString(this.dir.resolve("other.nk"), new String(NKey.createUser(null).getSeed()));
			this.runner
				.withPropertyValues("nats.servers=" + server.url(), "nats.nkey=file:" + otherSeed, "nats.fail-fast=true")
				.run((context) -> assertAuthorizationFailure(context.getStartupFailure()));
		}
		assertThat(output).doesNotContain(new String(user.getSeed()));
	}

	@Test
	void jwtCredentialsInOperatorMode(CapturedOutput output) throws Exception {
		OperatorMode operator = OperatorMode.create();
		Path creds = operator.writeUserCredentials(this.dir.resolve("user.creds"));
		try (NatsServer server = server(operator.serverConfig())) {
			this.runner.withPropertyValues("nats.servers=" + server.url(), "nats.credentials=file:" + creds)
				.run((context) -> assertEchoWorks(context.getBean(NatsTemplate.class)));
			// a user of another operator is not trusted by this server
			Path foreign = OperatorMode.create().writeUserCredentials(this.dir.resolve("foreign.creds"));
			this.runner
				.withPropertyValues("nats.servers=" + server.url(), "nats.credentials=file:" + foreign,
						"nats.fail-fast=true")
				.run((context) -> assertAuthorizationFailure(context.getStartupFailure()));
		}
		String seedLine = Files.readAllLines(creds).stream().filter((line) -> line.startsWith("SU")).findFirst().orElseThrow();
		assertThat(output).doesNotContain(seedLine).doesNotContain("eyJ0eXAiOiJKV1Qi");
	}

	@Test
	void tlsWithSslBundle() {
		TestCertificates certs = TestCertificates.create(this.dir, "tls");
		try (NatsServer server = server(tlsBlock(certs, false))) {
			this.runner
				.withPropertyValues("nats.servers=" + server.url("tls"), "nats.ssl.bundle=nats",
						"spring.ssl.bundle.pem.nats.truststore.certificate=file:" + certs.ca())
				.run((context) -> assertEchoWorks(context.getBean(NatsTemplate.class)));
		}
	}

	@Test
	void mutualTlsWithSslBundle() {
		TestCertificates certs = TestCertificates.create(this.dir, "mtls");
		try (NatsServer server = server(tlsBlock(certs, true))) {
			this.runner
				.withPropertyValues("nats.servers=" + server.url("tls"), "nats.ssl.bundle=nats",
						"spring.ssl.bundle.pem.nats.truststore.certificate=file:" + certs.ca(),
						"spring.ssl.bundle.pem.nats.keystore.certificate=file:" + certs.clientCertificate(),
						"spring.ssl.bundle.pem.nats.keystore.private-key=file:" + certs.clientKey())
				.run((context) -> assertEchoWorks(context.getBean(NatsTemplate.class)));
			// without a client certificate the server refuses the handshake
			this.runner
				.withPropertyValues("nats.servers=" + server.url("tls"), "nats.ssl.bundle=nats", "nats.fail-fast=true",
						"spring.ssl.bundle.pem.nats.truststore.certificate=file:" + certs.ca())
				.run((context) -> assertThat(context).hasFailed());
		}
	}

	@Test
	void untrustedServerCertificateFailsWithTlsReason() {
		TestCertificates serverCerts = TestCertificates.create(this.dir, "server");
		TestCertificates otherCa = TestCertificates.create(this.dir, "other");
		try (NatsServer server = server(tlsBlock(serverCerts, false))) {
			this.runner
				.withPropertyValues("nats.servers=" + server.url("tls"), "nats.ssl.bundle=nats", "nats.fail-fast=true",
						"spring.ssl.bundle.pem.nats.truststore.certificate=file:" + otherCa.ca())
				.run((context) -> {
					NatsConnectionException failure = findCause(context.getStartupFailure());
					assertThat(failure.getReason()).isEqualTo(NatsConnectionException.Reason.TLS_HANDSHAKE);
					FailureAnalysis analysis = FailureAnalyzers.analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("TLS handshake failed").contains(server.url("tls"));
					assertThat(analysis.getAction()).contains("nats.ssl.bundle");
				});
		}
	}

	private static String tlsBlock(TestCertificates certs, boolean verifyClients) {
		return "tls {\n  cert_file: \"" + certs.serverCertificate() + "\"\n  key_file: \"" + certs.serverKey()
				+ "\"\n  ca_file: \"" + certs.ca() + "\"\n" + (verifyClients ? "  verify: true\n" : "") + "  timeout: 2\n}";
	}

	private static NatsServer server(String config) {
		return NatsServer.builder().jetStream(false).config(config).build().start();
	}

	private static void assertEchoWorks(NatsTemplate template) {
		await().untilAsserted(() -> assertThat(template.request("test.echo", "hi", String.class)).isEqualTo("echo: hi"));
	}

	private static void assertAuthorizationFailure(Throwable startupFailure) {
		assertThat(startupFailure).isNotNull();
		NatsConnectionException failure = findCause(startupFailure);
		assertThat(failure.getReason()).isEqualTo(NatsConnectionException.Reason.AUTHORIZATION);
		FailureAnalysis analysis = FailureAnalyzers.analyze(startupFailure);
		assertThat(analysis.getDescription()).contains("authorization violation");
		assertThat(analysis.getAction()).contains("nats.username/nats.password");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
	}

	private static NatsConnectionException findCause(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof NatsConnectionException connectionException) {
				return connectionException;
			}
		}
		throw new AssertionError("No NatsConnectionException in " + failure);
	}

}
