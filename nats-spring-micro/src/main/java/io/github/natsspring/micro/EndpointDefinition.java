package io.github.natsspring.micro;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.natsspring.listener.ListenerMethod;

/**
 * A {@link NatsEndpoint @NatsEndpoint} method with its attributes resolved: the full subject (group prefix
 * included) and the queue group after precedence (endpoint, group, service, default).
 *
 * @param name the endpoint name, unique within its service
 * @param subject the subject it answers on
 * @param queueGroup the queue group, or {@code null} for none
 * @param group the name of its group, or {@code null}
 * @param metadata the endpoint metadata
 * @param method the method that handles requests
 */
public record EndpointDefinition(String name, String subject, String queueGroup, String group,
		Map<String, String> metadata, ListenerMethod method) {

	public EndpointDefinition {
		metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

}
