package io.github.natsspring.autoconfigure;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;

/**
 * Chooses the registry the starter observes sends and listener invocations with. An observation per message costs
 * more than the rest of the hot path together (a context, key values, and with only metrics listening a timer looked
 * up by tags for every message), and with nothing but Micrometer's meter handler listening it only repeats the
 * {@code nats.listener} timer. So unless {@code nats.observation.enabled} says otherwise, messages are observed only
 * when the application has an observation handler besides metrics: a tracing bridge, or one of its own.
 */
final class NatsObservationRegistry {

	private static final String METER_HANDLER = "io.micrometer.core.instrument.observation.MeterObservationHandler";

	private NatsObservationRegistry() {
	}

	static ObservationRegistry resolve(NatsProperties properties, ObjectProvider<ObservationRegistry> registries,
			ObjectProvider<ObservationHandler<?>> handlers) {
		ObservationRegistry registry = registries.getIfUnique(() -> ObservationRegistry.NOOP);
		Boolean enabled = properties.getObservation().getEnabled();
		if (enabled == null) {
			enabled = handlers.stream().anyMatch((handler) -> !isMetricsOnly(handler));
		}
		return enabled ? registry : ObservationRegistry.NOOP;
	}

	private static boolean isMetricsOnly(ObservationHandler<?> handler) {
		ClassLoader classLoader = handler.getClass().getClassLoader();
		if (!ClassUtils.isPresent(METER_HANDLER, classLoader)) {
			return false;
		}
		return ClassUtils.resolveClassName(METER_HANDLER, classLoader).isInstance(handler);
	}

}
