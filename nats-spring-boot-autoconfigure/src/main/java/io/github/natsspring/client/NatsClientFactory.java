package io.github.natsspring.client;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringValueResolver;

import io.github.natsspring.core.NatsOperations;
import io.github.natsspring.jetstream.JetStreamOperations;

/**
 * Builds typed NATS clients: proxies of interfaces whose methods are annotated with {@link NatsRequest},
 * {@link NatsPublish} or {@link JetStreamPublish}. Every method is checked when the client is built; one that
 * cannot be served fails with an {@link InvalidNatsClientException} naming it. {@link ImportNatsClients} uses this
 * for its beans; use it directly to build a client by hand:
 *
 * <pre>{@code
 * BillingClient billing = new NatsClientFactory(natsTemplate, jetStreamTemplate).createClient(BillingClient.class);
 * }</pre>
 */
public final class NatsClientFactory {

	private final NatsOperations nats;

	private final JetStreamOperations jetStream;

	private final StringValueResolver placeholders;

	/**
	 * Creates a factory whose clients' annotations are taken literally (no placeholders).
	 * @param nats sends requests and core messages
	 * @param jetStream publishes to streams; may be {@code null} when no client has {@link JetStreamPublish}
	 * methods
	 */
	public NatsClientFactory(NatsOperations nats, JetStreamOperations jetStream) {
		this(nats, jetStream, (value) -> value);
	}

	/**
	 * Creates a factory.
	 * @param nats sends requests and core messages
	 * @param jetStream publishes to streams; may be {@code null} when no client has {@link JetStreamPublish}
	 * methods
	 * @param placeholders resolves {@code ${...}} placeholders in annotation attributes
	 */
	public NatsClientFactory(NatsOperations nats, JetStreamOperations jetStream, StringValueResolver placeholders) {
		Assert.notNull(nats, "NatsOperations must not be null");
		Assert.notNull(placeholders, "StringValueResolver must not be null");
		this.nats = nats;
		this.jetStream = jetStream;
		this.placeholders = placeholders;
	}

	/**
	 * Builds a client.
	 * @param clientType the client interface
	 * @param <T> its type
	 * @return the client
	 * @throws InvalidNatsClientException listing each method that cannot be served, and why
	 */
	public <T> T createClient(Class<T> clientType) {
		Assert.isTrue(clientType.isInterface() && !clientType.isAnnotation(),
				() -> clientType.getName() + " is not an interface; a NATS client is an interface");
		ClientMethodParser parser;
		try {
			parser = new ClientMethodParser(clientType, this.nats, this.jetStream, this.placeholders);
		}
		catch (IllegalStateException ex) {
			throw new InvalidNatsClientException(
					"NATS client " + clientType.getName() + " cannot be built: @NatsExchange " + ex.getMessage());
		}
		Map<Method, ClientMethod> methods = new HashMap<>();
		List<String> problems = new ArrayList<>();
		for (Method method : clientType.getMethods()) {
			if (Modifier.isStatic(method.getModifiers()) || ReflectionUtils.isObjectMethod(method)) {
				continue; // equals, hashCode, toString redeclared by the interface are the proxy's
			}
			try {
				ClientMethod clientMethod = parser.parse(method);
				if (clientMethod != null) {
					methods.put(method, clientMethod);
				}
			}
			catch (IllegalStateException ex) {
				problems.add(describe(clientType, method) + " " + ex.getMessage());
			}
		}
		if (!problems.isEmpty()) {
			problems.sort(null);
			throw new InvalidNatsClientException("NATS client " + clientType.getName() + " cannot be built:"
					+ problems.stream().map((problem) -> "\n  - " + problem).collect(Collectors.joining()));
		}
		return clientType.cast(Proxy.newProxyInstance(clientType.getClassLoader(), new Class<?>[] { clientType },
				new NatsClientInvocationHandler(clientType, methods)));
	}

	static String describe(Class<?> clientType, Method method) {
		return clientType.getSimpleName() + "." + method.getName() + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

}
