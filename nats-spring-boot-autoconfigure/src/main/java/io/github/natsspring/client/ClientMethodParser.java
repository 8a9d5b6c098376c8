package io.github.natsspring.client;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nats.client.PublishOptions;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

import io.github.natsspring.core.NatsOperations;
import io.github.natsspring.jetstream.JetStreamOperations;
import io.github.natsspring.jetstream.PublishResult;

/**
 * Turns the methods of one client interface into {@link ClientMethod}s, checking each: its annotation, subject,
 * parameters, return type and timeout. Problems are {@link IllegalStateException}s whose message says what to
 * change; the caller adds the method's name.
 */
final class ClientMethodParser {

	private final Class<?> clientType;

	private final NatsOperations nats;

	private final JetStreamOperations jetStream;

	private final StringValueResolver placeholders;

	private final String subjectPrefix;

	private final Duration defaultTimeout;

	private final Map<String, String> defaultHeaders;

	/**
	 * Reads the interface's {@link NatsExchange}, if any.
	 * @throws IllegalStateException if its attributes are invalid
	 */
	ClientMethodParser(Class<?> clientType, NatsOperations nats, JetStreamOperations jetStream,
			StringValueResolver placeholders) {
		this.clientType = clientType;
		this.nats = nats;
		this.jetStream = jetStream;
		this.placeholders = placeholders;
		NatsExchange exchange = AnnotatedElementUtils.findMergedAnnotation(clientType, NatsExchange.class);
		this.subjectPrefix = (exchange != null) ? resolve(exchange.subject()).trim() : "";
		this.defaultTimeout = (exchange != null) ? timeout(exchange.timeout()) : null;
		this.defaultHeaders = (exchange != null) ? headers(Map.of(), exchange.headers()) : Map.of();
	}

	/**
	 * Parses a method.
	 * @param method a public, non-static method of the interface
	 * @return the client method, or {@code null} for a default method the interface implements itself
	 * @throws IllegalStateException if the method cannot be served
	 */
	ClientMethod parse(Method method) {
		NatsRequest request = AnnotatedElementUtils.findMergedAnnotation(method, NatsRequest.class);
		NatsPublish publish = AnnotatedElementUtils.findMergedAnnotation(method, NatsPublish.class);
		JetStreamPublish jetStreamPublish = AnnotatedElementUtils.findMergedAnnotation(method, JetStreamPublish.class);
		int annotations = ((request != null) ? 1 : 0) + ((publish != null) ? 1 : 0)
				+ ((jetStreamPublish != null) ? 1 : 0);
		if (annotations == 0) {
			if (method.isDefault()) {
				return null;
			}
			throw new IllegalStateException("has no @NatsRequest, @NatsPublish or @JetStreamPublish; annotate it, or "
					+ "give it a default body");
		}
		if (annotations > 1) {
			throw new IllegalStateException("has more than one of @NatsRequest, @NatsPublish and @JetStreamPublish");
		}
		if (method.isDefault()) {
			throw new IllegalStateException("is a default method with a NATS annotation; remove the annotation or the "
					+ "body");
		}
		if (request != null) {
			return request(method, request);
		}
		if (publish != null) {
			return publish(method, publish);
		}
		return jetStreamPublish(method, jetStreamPublish);
	}

	private ClientMethod request(Method method, NatsRequest request) {
		MessageArguments arguments = MessageArguments.of(method, subject(request.subject()),
				headers(this.defaultHeaders, request.headers()), false);
		ReplyType reply = ReplyType.of(method, this.clientType);
		Duration timeout = timeout(request.timeout());
		return new RequestMethod(this.nats, arguments, (timeout != null) ? timeout : this.defaultTimeout, reply);
	}

	private ClientMethod publish(Method method, NatsPublish publish) {
		MessageArguments arguments = MessageArguments.of(method, subject(publish.subject()),
				headers(this.defaultHeaders, publish.headers()), false);
		if (method.getReturnType() != void.class) {
			throw new IllegalStateException("returns " + method.getGenericReturnType().getTypeName()
					+ "; a @NatsPublish method returns void (use @NatsRequest to wait for a reply, @JetStreamPublish "
					+ "for a storage acknowledgement)");
		}
		return new PublishMethod(this.nats, arguments);
	}

	private ClientMethod jetStreamPublish(Method method, JetStreamPublish publish) {
		MessageArguments arguments = MessageArguments.of(method, subject(publish.subject()),
				headers(this.defaultHeaders, publish.headers()), true);
		ReplyType reply = ReplyType.of(method, this.clientType);
		if (!reply.discarded() && reply.valueType() != PublishResult.class) {
			throw new IllegalStateException("returns " + method.getGenericReturnType().getTypeName()
					+ "; a @JetStreamPublish method returns PublishResult, void, or a CompletableFuture of either");
		}
		Duration timeout = timeout(publish.timeout());
		if (timeout != null && arguments.hasPublishOptions()) {
			throw new IllegalStateException("has both a timeout and a PublishOptions parameter; set the stream "
					+ "timeout on the PublishOptions instead");
		}
		if (this.jetStream == null) {
			throw new IllegalStateException("needs JetStream, and there is no JetStreamOperations bean");
		}
		PublishOptions options = (timeout != null) ? PublishOptions.builder().streamTimeout(timeout).build() : null;
		return new JetStreamPublishMethod(this.jetStream, arguments, options, reply);
	}

	private SubjectTemplate subject(String declared) {
		String subject = resolve(declared).trim();
		if (subject.isEmpty()) {
			throw new IllegalStateException("has no subject");
		}
		return SubjectTemplate.parse(this.subjectPrefix.isEmpty() ? subject : this.subjectPrefix + "." + subject);
	}

	private Duration timeout(String declared) {
		String value = resolve(declared);
		if (!StringUtils.hasText(value)) {
			return null;
		}
		Duration timeout;
		try {
			timeout = DurationStyle.detectAndParse(value.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("timeout '" + value + "' is not a duration (2s, 500ms, PT2S)");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalStateException("timeout '" + value + "' must be positive");
		}
		return timeout;
	}

	private Map<String, String> headers(Map<String, String> inherited, String[] declared) {
		if (declared.length == 0) {
			return inherited;
		}
		Map<String, String> headers = new LinkedHashMap<>(inherited);
		for (String entry : declared) {
			String resolved = resolve(entry);
			int equals = resolved.indexOf('=');
			if (equals <= 0) {
				throw new IllegalStateException("header '" + resolved + "' must be written as name=value");
			}
			String name = resolved.substring(0, equals).trim();
			MessageArguments.checkHeaderName(name);
			headers.put(name, resolved.substring(equals + 1).trim());
		}
		return Collections.unmodifiableMap(headers);
	}

	private String resolve(String value) {
		try {
			String resolved = this.placeholders.resolveStringValue(value);
			if (resolved != null && resolved.contains("${")) {
				// a lenient resolver (no placeholder configurer in the context) leaves them as they are
				throw new IllegalStateException("Could not resolve placeholder in '" + resolved + "'");
			}
			return (resolved != null) ? resolved : "";
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

}
