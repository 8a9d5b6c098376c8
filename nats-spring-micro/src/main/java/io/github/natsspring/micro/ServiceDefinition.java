package io.github.natsspring.micro;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link NatsService @NatsService} bean with its attributes resolved and checked: what discovery advertises and
 * what the {@link NatsServiceRegistry} runs.
 *
 * @param beanName the bean's name
 * @param name the service name
 * @param version the service version (semantic version)
 * @param description the description, empty if none
 * @param metadata the service metadata
 * @param concurrency how many requests the service handles at once
 * @param endpoints the endpoints, ordered by method name
 */
public record ServiceDefinition(String beanName, String name, String version, String description,
		Map<String, String> metadata, int concurrency, List<EndpointDefinition> endpoints) {

	public ServiceDefinition {
		metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
		endpoints = List.copyOf(endpoints);
	}

	/**
	 * The endpoint with the given name.
	 * @param endpointName the endpoint name
	 * @return the endpoint or {@code null}
	 */
	public EndpointDefinition endpoint(String endpointName) {
		return this.endpoints.stream().filter((endpoint) -> endpoint.name().equals(endpointName)).findFirst().orElse(null);
	}

}
