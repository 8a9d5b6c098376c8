package io.github.natsspring.health;

import io.github.natsspring.listener.ListenerContainer;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of one listener container: UP while it consumes as it should, DOWN when stopped unexpectedly, missing
 * its consumer or stalled; details come from the container (subject or consumer, counts, last activity).
 */
public class ListenerHealthIndicator implements HealthIndicator {

	private final ListenerContainer container;

	private final boolean expectedToRun;

	public ListenerHealthIndicator(ListenerContainer container, boolean expectedToRun) {
		this.container = container;
		this.expectedToRun = expectedToRun;
	}

	@Override
	public Health health() {
		Health.Builder builder;
		if (this.container.isHealthy()) {
			builder = Health.up();
		}
		else if (!this.container.isRunning() && !this.expectedToRun) {
			builder = Health.status(Status.UNKNOWN);
		}
		else {
			builder = Health.down();
		}
		return builder.withDetails(this.container.describe()).build();
	}

}
