package io.github.natsspring.startupbench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import io.nats.client.api.KeyValueEntry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.micro.NatsEndpoint;
import io.github.natsspring.micro.NatsService;

/**
 * The application of the startup pair, started in a fresh JVM per run: with the starter it has one listener of each
 * kind and 10 declared streams; without it, the same application with the starter's auto-configurations excluded
 * and no listeners. It prints the JVM's uptime when the application is ready, then exits.
 * <p>
 * Arguments: {@code starter|plain} and the server URL.
 */
@SpringBootApplication
@Import(StartupApplication.Listeners.class)
public class StartupApplication {

	/** Printed before the uptime in milliseconds. */
	public static final String READY = "READY_AFTER_MS ";

	public static final int STREAMS = 10;

	public static void main(String[] args) throws Exception {
		boolean starter = args[0].equals("starter");
		SpringApplication application = new SpringApplication(StartupApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		application.setAdditionalProfiles(starter ? "starter" : "plain");
		application.addListeners((ApplicationReadyEvent event) -> System.out
			.println(READY + ManagementFactory.getRuntimeMXBean().getUptime()));
		List<String> arguments = new ArrayList<>(List.of("--spring.main.banner-mode=off", "--logging.level.root=WARN"));
		if (starter) {
			arguments.add("--nats.servers=" + args[1]);
			for (int i = 0; i < STREAMS; i++) {
				arguments.add("--nats.jetstream.streams.STARTUP_" + i + ".subjects=startup." + i + ".>");
			}
			arguments.add("--nats.jetstream.key-value.STARTUP_KV.history=1");
		}
		else {
			arguments.add("--spring.autoconfigure.exclude=" + String.join(",", starterAutoConfigurations()));
		}
		try (ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new))) {
			// ready: closing is not part of the measurement
		}
		System.exit(0);
	}

	private static List<String> starterAutoConfigurations() throws IOException {
		List<String> names = new ArrayList<>();
		Enumeration<URL> files = StartupApplication.class.getClassLoader()
			.getResources("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
		while (files.hasMoreElements()) {
			try (InputStream in = files.nextElement().openStream()) {
				for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
					if (line.trim().startsWith("io.github.natsspring.")) {
						names.add(line.trim());
					}
				}
			}
		}
		return names;
	}

	/**
	 * One listener of each kind.
	 */
	@Configuration(proxyBeanMethods = false)
	@Profile("starter")
	@Import(Endpoints.class)
	static class Listeners {

		@NatsListener(subject = "startup.core")
		void onCore(String payload) {
		}

		@JetStreamListener(stream = "STARTUP_0", consumer = "startup-worker")
		void onStored(byte[] payload) {
		}

		@KvWatch(bucket = "STARTUP_KV")
		void onEntry(KeyValueEntry entry) {
		}

	}

	/**
	 * A service with one endpoint.
	 */
	@NatsService(name = "startup", version = "1.0.0")
	@Profile("starter")
	static class Endpoints {

		@NatsEndpoint(subject = "startup.echo")
		String echo(String request) {
			return request;
		}

	}

}
