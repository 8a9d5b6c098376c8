package io.github.natsspring.micro.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of {@code @NatsService} services.
 */
@ConfigurationProperties("nats.micro")
public class NatsMicroProperties {

	/**
	 * Whether services start automatically once the connection is up.
	 */
	private boolean autoStartup = true;

	/**
	 * How many requests each service handles at once unless its @NatsService(concurrency) says otherwise.
	 */
	private int concurrency = 16;

	/**
	 * Time allowed on shutdown for services to answer the requests they are handling.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(10);

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

}
