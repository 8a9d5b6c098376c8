package io.github.natsspring.micro;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.util.StringUtils;

import io.github.natsspring.core.NatsInvalidSubjectException;
import io.github.natsspring.core.Subjects;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMethod;

/**
 * Turns a {@link NatsService @NatsService} bean and its {@link NatsEndpoint @NatsEndpoint} methods into a
 * {@link ServiceDefinition}: resolves placeholders, applies defaults and queue group precedence, and checks
 * everything the service protocol requires. Does no I/O. Every problem is an {@link IllegalStateException} naming the
 * bean or method.
 */
final class ServiceDefinitionFactory {

	/** Service and endpoint names (the protocol's {@code basic_name}). */
	static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]+$");

	/** Semantic versions, as the protocol's schemas define them. */
	static final Pattern SEMVER = Pattern.compile("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
			+ "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
			+ "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

	private final ListenerContext context;

	private final int defaultConcurrency;

	ServiceDefinitionFactory(ListenerContext context, int defaultConcurrency) {
		this.context = context;
		this.defaultConcurrency = defaultConcurrency;
	}

	ServiceDefinition create(Object bean, String beanName, Class<?> targetClass, NatsService annotation,
			Map<Method, NatsEndpoint> methods) {
		String where = "@NatsService on " + targetClass.getName() + " (bean '" + beanName + "')";
		String name = this.context.resolve(annotation.name());
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalStateException(where + ": name '" + name
					+ "' is not a valid service name; use letters, digits, '-' and '_' only");
		}
		where = "@NatsService '" + name + "' (" + targetClass.getName() + ")";
		String version = this.context.resolve(annotation.version());
		if (version == null || !SEMVER.matcher(version).matches()) {
			throw new IllegalStateException(
					where + ": version '" + version + "' is not a semantic version such as 1.0.0");
		}
		String description = StringUtils.hasText(annotation.description())
				? this.context.resolve(annotation.description()) : "";
		Map<String, String> metadata = metadata(annotation.metadata(), where);
		String serviceQueue = queueGroup(annotation.queueGroup(), where);
		int concurrency = this.context.resolveInt(annotation.concurrency(), this.defaultConcurrency,
				where + ": concurrency");
		if (concurrency < 1) {
			throw new IllegalStateException(where + ": concurrency must be at least 1, was " + concurrency);
		}
		Map<String, Group> groups = groups(annotation.groups(), serviceQueue, where);
		if (methods.isEmpty()) {
			throw new IllegalStateException(where + " has no @NatsEndpoint methods");
		}
		List<EndpointDefinition> endpoints = new ArrayList<>();
		Map<String, String> subjects = new LinkedHashMap<>();
		for (Map.Entry<Method, NatsEndpoint> entry : methods.entrySet()) {
			EndpointDefinition endpoint = endpoint(bean, entry.getKey(), entry.getValue(), groups, serviceQueue, name);
			if (endpoints.stream().anyMatch((other) -> other.name().equals(endpoint.name()))) {
				throw new IllegalStateException(where + ": two endpoints are named '" + endpoint.name() + "' ("
						+ endpoint.method().getDescription() + " and "
						+ methodOf(endpoints, endpoint.name()).getDescription() + "); give one of them another name");
			}
			String previous = subjects.put(endpoint.subject(), endpoint.name());
			if (previous != null) {
				throw new IllegalStateException(where + ": endpoints '" + previous + "' and '" + endpoint.name()
						+ "' both answer on '" + endpoint.subject() + "'");
			}
			endpoints.add(endpoint);
		}
		return new ServiceDefinition(beanName, name, version, description, metadata, concurrency, endpoints);
	}

	private static ListenerMethod methodOf(List<EndpointDefinition> endpoints, String name) {
		return endpoints.stream().filter((endpoint) -> endpoint.name().equals(name)).findFirst().orElseThrow().method();
	}

	private EndpointDefinition endpoint(Object bean, Method method, NatsEndpoint annotation, Map<String, Group> groups,
			String serviceQueue, String serviceName) {
		String where = "@NatsEndpoint on " + ListenerContext.describe(method) + " (service '" + serviceName + "')";
		String name = this.context.resolve(annotation.name());
		if (!StringUtils.hasText(name)) {
			name = method.getName();
		}
		if (!NAME.matcher(name).matches()) {
			throw new IllegalStateException(where + ": name '" + name
					+ "' is not a valid endpoint name; use letters, digits, '-' and '_' only");
		}
		Group group = null;
		String groupName = this.context.resolve(annotation.group());
		if (StringUtils.hasText(groupName)) {
			group = groups.get(groupName);
			if (group == null) {
				throw new IllegalStateException(where + ": no group named '" + groupName + "'; the service declares "
						+ (groups.isEmpty() ? "none" : groups.keySet()));
			}
		}
		String subject = this.context.resolve(annotation.subject());
		if (!StringUtils.hasText(subject)) {
			subject = name;
		}
		if (group != null) {
			subject = group.subject() + "." + subject;
		}
		try {
			Subjects.validateSubscribeSubject(subject);
		}
		catch (NatsInvalidSubjectException ex) {
			throw new IllegalStateException(where + ": " + ex.getMessage(), ex);
		}
		if (subject.startsWith("$SRV.")) {
			throw new IllegalStateException(where + ": subject '" + subject
					+ "' is reserved for service discovery");
		}
		String queueGroup = queueGroup(annotation.queueGroup(), where);
		String inherited = (group != null) ? group.queueGroup() : effective(serviceQueue);
		String effective = (queueGroup != null) ? effective(queueGroup) : inherited;
		Map<String, String> metadata = metadata(annotation.metadata(), where);
		ListenerMethod listenerMethod = this.context.createListenerMethod(bean, method, "@NatsEndpoint", List.of());
		return new EndpointDefinition(name, subject, effective, (group != null) ? group.name() : null, metadata,
				listenerMethod);
	}

	private Map<String, Group> groups(EndpointGroup[] declared, String serviceQueue, String where) {
		Map<String, Group> groups = new LinkedHashMap<>();
		for (EndpointGroup group : declared) {
			String name = this.context.resolve(group.name());
			if (!StringUtils.hasText(name)) {
				throw new IllegalStateException(where + ": every @EndpointGroup needs a name");
			}
			String subject = this.context.resolve(group.subject());
			if (!StringUtils.hasText(subject)) {
				subject = name;
			}
			String what = where + ", group '" + name + "'";
			if (subject.contains(">") || subject.startsWith(".") || subject.endsWith(".")) {
				throw new IllegalStateException(what + ": subject prefix '" + subject + "' is invalid");
			}
			try {
				Subjects.validateSubscribeSubject(subject);
			}
			catch (NatsInvalidSubjectException ex) {
				throw new IllegalStateException(what + ": " + ex.getMessage(), ex);
			}
			String queueGroup = queueGroup(group.queueGroup(), what);
			String effective = effective((queueGroup != null) ? queueGroup : serviceQueue);
			if (groups.put(name, new Group(name, subject, effective)) != null) {
				throw new IllegalStateException(where + ": two groups are named '" + name + "'");
			}
		}
		return groups;
	}

	/**
	 * Resolves a queue group attribute.
	 * @return {@code null} when empty (inherit), {@link NatsService#NO_QUEUE_GROUP}, or a valid queue group
	 */
	private String queueGroup(String value, String where) {
		String resolved = this.context.resolve(value);
		if (!StringUtils.hasText(resolved)) {
			return null;
		}
		resolved = resolved.trim();
		if (resolved.equals(NatsService.NO_QUEUE_GROUP)) {
			return resolved;
		}
		if (resolved.chars().anyMatch(Character::isWhitespace) || resolved.contains("*") || resolved.contains(">")) {
			throw new IllegalStateException(where + ": invalid queue group '" + resolved + "'");
		}
		return resolved;
	}

	/**
	 * The queue group to subscribe with, from an inherited attribute value.
	 * @return {@code null} for none
	 */
	private static String effective(String queueGroup) {
		if (queueGroup == null) {
			return NatsService.DEFAULT_QUEUE_GROUP;
		}
		return queueGroup.equals(NatsService.NO_QUEUE_GROUP) ? null : queueGroup;
	}

	private Map<String, String> metadata(String[] entries, String where) {
		Map<String, String> metadata = new LinkedHashMap<>();
		for (String entry : entries) {
			String resolved = this.context.resolve(entry);
			int separator = (resolved != null) ? resolved.indexOf('=') : -1;
			if (separator <= 0) {
				throw new IllegalStateException(
						where + ": metadata entry '" + resolved + "' is not of the form key=value");
			}
			metadata.put(resolved.substring(0, separator).trim(), resolved.substring(separator + 1).trim());
		}
		return metadata;
	}

	private record Group(String name, String subject, String queueGroup) {
	}

}
