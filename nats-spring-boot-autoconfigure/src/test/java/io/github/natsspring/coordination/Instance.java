package io.github.natsspring.coordination;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsCoordinationAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsHealthContributorAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamListenerAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsKvWatchAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.connection.NatsConnectionManager;

/**
 * One application instance of a test: a whole Spring application with the NATS auto-configurations, its own
 * connection and its own leases. Several of them in one test compete as separate processes would.
 */
final class Instance implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private Instance(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts an instance.
	 * @param url the NATS servers
	 * @param name the instance id, also its application name
	 * @param configuration user configuration classes, may be empty
	 * @param properties more properties, as {@code key=value}
	 * @return the running instance
	 */
	static Instance start(String url, String name, List<Class<?>> configuration, String... properties) {
		return start(url, name, configuration, List.of(), properties);
	}

	/**
	 * Starts an instance with application listeners that hear every event, from the first.
	 * @param url the NATS servers
	 * @param name the instance id, also its application name
	 * @param configuration user configuration classes, may be empty
	 * @param listeners the listeners
	 * @param properties more properties, as {@code key=value}
	 * @return the running instance
	 */
	static Instance start(String url, String name, List<Class<?>> configuration,
			List<ApplicationListener<?>> listeners, String... properties) {
		List<Class<?>> sources = new ArrayList<>();
		sources.add(Application.class);
		sources.addAll(configuration);
		List<String> all = new ArrayList<>(List.of("nats.servers=" + url, "spring.application.name=" + name,
				"nats.coordination.instance-id=" + name, "nats.drain-timeout=1s", "spring.main.banner-mode=off",
				"logging.level.root=warn"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.listeners(listeners.toArray(ApplicationListener<?>[]::new))
			.properties(all.toArray(String[]::new))
			.run();
		return new Instance(context);
	}

	static Instance start(String url, String name, String... properties) {
		return start(url, name, List.of(), properties);
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	/**
	 * Dies as a killed process would, as far as NATS can tell: its connection closes without a word, nothing is
	 * released, and its renewals fail from now on.
	 */
	void die() throws InterruptedException {
		bean(NatsConnectionManager.class).getConnection().close();
	}

	@Override
	public void close() {
		this.context.close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class,
			NatsListenerAutoConfiguration.class, NatsJetStreamListenerAutoConfiguration.class,
			NatsKvWatchAutoConfiguration.class, NatsCoordinationAutoConfiguration.class,
			NatsHealthContributorAutoConfiguration.class, JacksonAutoConfiguration.class })
	static class Application {

	}

}
