package io.github.natsspring.docker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsConnectionState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Boot's Docker Compose support starts {@code docker/nats-compose.yaml} (the {@code nats} image with a
 * password) and the application connects to it with no {@code nats.*} property. Needs a Docker engine with the
 * compose plugin: skipped cleanly where there is none.
 */
@EnabledIf("dockerComposeAvailable")
class NatsDockerComposeTests {

	@Test
	void connectsToTheComposeService() {
		SpringApplication application = new SpringApplication(Config.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run(
				"--spring.docker.compose.file=classpath:docker/nats-compose.yaml",
				"--spring.docker.compose.skip.in-tests=false", "--spring.docker.compose.lifecycle-management=start-and-stop",
				"--spring.docker.compose.stop.command=down")) {
			NatsConnectionManager connection = context.getBean(NatsConnectionManager.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> connection.getState() == NatsConnectionState.CONNECTED);
			assertThat(connection.getServers()).singleElement().asString().startsWith("nats://");
		}
	}

	static boolean dockerComposeAvailable() {
		return succeeds("docker", "info") && succeeds("docker", "compose", "version");
	}

	private static boolean succeeds(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (Exception ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ NatsAutoConfiguration.class, JacksonAutoConfiguration.class })
	static class Config {

	}

}
