package io.github.natsspring.micro;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.github.natsspring.listener.ServiceError;

/**
 * Records service requests in Micrometer:
 * <ul>
 * <li>{@code nats.service.requests}: a timer per endpoint (tags {@code service}, {@code endpoint}), every request
 * including failed ones, from the start of handling until the reply is ready;</li>
 * <li>{@code nats.service.errors}: a counter per endpoint and error code (tags {@code service}, {@code endpoint},
 * {@code code}), every request answered with an error.</li>
 * </ul>
 */
public class MicrometerServiceRequestObserver implements ServiceRequestObserver {

	/** Name of the request timer. */
	public static final String REQUESTS = "nats.service.requests";

	/** Name of the error counter. */
	public static final String ERRORS = "nats.service.errors";

	private final MeterRegistry registry;

	/** Timers by service, then endpoint name: looked up per request without building a key. */
	private final Map<String, Map<String, Timer>> timers = new ConcurrentHashMap<>();

	private final Map<String, Counter> errors = new ConcurrentHashMap<>();

	public MicrometerServiceRequestObserver(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void serviceStarted(NatsServiceContainer service) {
		for (EndpointDefinition endpoint : service.getDefinition().endpoints()) {
			timer(service.getName(), endpoint.name());
		}
	}

	@Override
	public void requestHandled(NatsServiceContainer service, EndpointDefinition endpoint, long nanos,
			ServiceError error) {
		timer(service.getName(), endpoint.name()).record(nanos, TimeUnit.NANOSECONDS);
		if (error != null) {
			countError(service, endpoint, error);
		}
	}

	@Override
	public void replyFailed(NatsServiceContainer service, EndpointDefinition endpoint, ServiceError error) {
		countError(service, endpoint, error);
	}

	private void countError(NatsServiceContainer service, EndpointDefinition endpoint, ServiceError error) {
		String code = Integer.toString(error.code());
		this.errors
			.computeIfAbsent(service.getName() + '\u0000' + endpoint.name() + '\u0000' + code,
					(key) -> Counter.builder(ERRORS)
						.description("Requests to a NATS service endpoint answered with an error")
						.tag("service", service.getName())
						.tag("endpoint", endpoint.name())
						.tag("code", code)
						.register(this.registry))
			.increment();
	}

	private Timer timer(String service, String endpoint) {
		Map<String, Timer> endpoints = this.timers.get(service);
		Timer timer = (endpoints != null) ? endpoints.get(endpoint) : null;
		if (timer != null) {
			return timer;
		}
		return this.timers.computeIfAbsent(service, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(endpoint, (key) -> Timer.builder(REQUESTS)
				.description("Requests handled by a NATS service endpoint")
				.tag("service", service)
				.tag("endpoint", endpoint)
				.register(this.registry));
	}

}
