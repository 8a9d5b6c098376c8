package io.github.natsspring.micro;

import io.github.natsspring.health.ListenerHealthGroup;
import io.github.natsspring.health.ListenerHealthIndicator;

/**
 * The {@code services} group under the {@code nats} health component: one {@link ListenerHealthIndicator} per
 * service, named after the service. UP while the instance answers on its subjects, DOWN when it should but does not
 * (not started because NATS is not connected yet, or stopped), UNKNOWN when services are meant to be stopped.
 * Details: id, version, start time, concurrency and requests in flight, and per endpoint its subject, queue group
 * and counters.
 */
public class NatsServicesHealthGroup extends ListenerHealthGroup {

	public NatsServicesHealthGroup(NatsServiceRegistry registry) {
		super("services", registry.getEndpointRegistry());
	}

}
