package io.github.natsspring.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What operators see over HTTP: the {@code nats} health component and configuration properties without secrets.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,configprops,env,prometheus",
				"management.endpoint.health.show-details=always", "management.endpoint.configprops.show-values=always",
				"management.endpoint.env.show-values=always", "nats.username=app",
				"nats.password=Top-Secret-Password-1" })
class NatsActuatorTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension
		.withConfig((server) -> server.jetStream(false).config("authorization { user: app, password: \"Top-Secret-Password-1\" }"));

	@DynamicPropertySource
	static void natsProperties(DynamicPropertyRegistry registry) {
		registry.add("nats.servers", () -> nats.url() + ",nats://ops:Url-Secret-2@127.0.0.1:1");
	}

	@LocalServerPort
	int port;

	@Autowired
	Application application;

	@Test
	void healthShowsConnectionAndListenersWithoutSecrets() throws Exception {
		String health = get("/actuator/health/nats");
		assertThat(health).contains("\"status\":\"UP\"")
			.contains("\"connection\":{")
			.contains("\"serverName\":\"" + nats.server().name() + "\"")
			.contains("\"version\":\"" + nats.server().version() + "\"")
			.contains("\"rtt\":")
			.contains("\"listeners\":{")
			.contains("\"application.audit\":{")
			.contains("\"subject\":\"audit.>\"")
			.doesNotContain("Top-Secret-Password-1")
			.doesNotContain("Url-Secret-2");
	}

	@Test
	void configurationPropertiesAndEnvironmentHideSecrets() throws Exception {
		String configprops = get("/actuator/configprops");
		assertThat(configprops).contains("\"nats\"").contains("\"username\":\"app\"")
			.doesNotContain("Top-Secret-Password-1")
			.doesNotContain("Url-Secret-2");
		String env = get("/actuator/env");
		assertThat(env).doesNotContain("Top-Secret-Password-1").doesNotContain("Url-Secret-2");
	}

	@Test
	void prometheusShowsConnectionAndListenerMeters() throws Exception {
		this.template.publish("audit.login", "alice");
		org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(get("/actuator/prometheus"))
			.contains("nats_listener_seconds_count{kind=\"subscription\",listener=\"application.audit\",outcome=\"success\"}"));
		String metrics = get("/actuator/prometheus");
		assertThat(metrics).contains("nats_client_messages_total{direction=\"in\"")
			.contains("nats_client_connected 1.0")
			.contains("nats_client_reconnects_total");
	}

	@Autowired
	io.github.natsspring.core.NatsTemplate template;

	private String get(String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		return response.body();
	}

	@SpringBootApplication
	static class Application {

		@NatsListener(subject = "audit.>", id = "application.audit")
		void audit(String event) {
		}

	}

}
