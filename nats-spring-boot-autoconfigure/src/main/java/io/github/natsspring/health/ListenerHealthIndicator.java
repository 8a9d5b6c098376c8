package io.github.natsspring.health;

import java.util.function.BooleanSupplier;

import io.github.natsspring.listener.ListenerContainer;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of one listener container (or service): UP while it consumes as it should, DOWN when stopped unexpectedly,
 * missing its consumer or stalled, UNKNOWN when stopped on purpose; details come from the container (subject or
 * consumer, counts, last activity).
 */
public class ListenerHealthIndicator implements HealthIndicator {

	private final ListenerContainer container;

	private final BooleanSupplier expectedToRun;

	public ListenerHealthIndicator(ListenerContainer container, boolean expectedToRun) {
		this(container, () -> expectedToRun);
	}

	/**
	 * Creates an indicator that asks at each check whether the container should be running.
	 * @param container the container
	 * @param expectedToRun whether a stopped container is a problem (DOWN) rather than stopped on purpose (UNKNOWN)
	 */
	public ListenerHealthIndicator(ListenerContainer container, BooleanSupplier expectedToRun) {
		this.container = container;
		this.expectedToRun = expectedToRun;
	}

	@Override
	public Health health() {
		Health.Builder builder;
		if (this.container.isHealthy()) {
			builder = Health.up();
		}
		else if (!this.container.isRunning() && !this.expectedToRun.getAsBoolean()) {
			builder = Health.status(Status.UNKNOWN);
		}
		else {
			builder = Health.down();
		}
		return builder.withDetails(this.container.describe()).build();
	}

}
