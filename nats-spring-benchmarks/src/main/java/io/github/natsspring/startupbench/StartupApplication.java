package io.github.natsspring.startupbench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

import io.github.natsspring.annotation.JetStreamListener;
import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.micro.NatsEndpoint;
import io.github.natsspring.micro.NatsService;

/**
 * The application of the startup pairs, started in a fresh JVM per run: with the starter it has one listener of each
 * kind and 10 declared streams; without it ({@code plain}), the same application with the starter's
 * auto-configurations excluded and no listeners; {@code jnats} is the plain application doing the starter's work
 * with jnats before it is ready (connect, check the 10 streams and the bucket, subscribe, consume, watch, serve). It
 * prints the JVM's uptime when the application is ready, then exits.
 * <p>
 * Arguments: {@code starter|plain|jnats} and the server URL.
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
		application.setAdditionalProfiles(args[0]);
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
			arguments.add("--startup.server=" + args[1]);
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
	 * The starter's startup work done with jnats: what an application without the starter would write.
	 */
	@Configuration(proxyBeanMethods = false)
	@Profile("jnats")
	static class PlainJnats {

		@Bean(destroyMethod = "close")
		Connection startupConnection(Environment environment) throws Exception {
			return Nats.connect(environment.getRequiredProperty("startup.server"));
		}

		@Bean
		ApplicationRunner startupWork(Connection connection) {
			return (arguments) -> {
				JetStreamManagement jsm = connection.jetStreamManagement();
				for (int i = 0; i < STREAMS; i++) {
					jsm.getStreamInfo("STARTUP_" + i);
				}
				connection.keyValueManagement().getStatus("STARTUP_KV");
				connection.createDispatcher((message) -> {
				}).subscribe("startup.core");
				jsm.addOrUpdateConsumer("STARTUP_0", ConsumerConfiguration.builder()
					.durable("startup-worker-jnats")
					.ackPolicy(AckPolicy.Explicit)
					.build());
				connection.getStreamContext("STARTUP_0")
					.getConsumerContext("startup-worker-jnats")
					.consume((message) -> message.ack());
				connection.keyValue("STARTUP_KV").watchAll(new KeyValueWatcher() {

					@Override
					public void watch(KeyValueEntry entry) {
					}

					@Override
					public void endOfData() {
					}

				});
				Service service = new ServiceBuilder().connection(connection)
					.name("startup-jnats")
					.version("1.0.0")
					.addServiceEndpoint(ServiceEndpoint.builder()
						.endpointName("echo")
						.endpointSubject("startup.jnats.echo")
						.handler((message) -> message.respond(connection, message.getData()))
						.build())
					.build();
				service.startService();
			};
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
