package io.github.natsspring.kv.watch;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.core.MethodParameter;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.util.StringUtils;

import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMethod;
import io.github.natsspring.listener.NatsListenerEndpoint;
import io.github.natsspring.listener.NatsListenerEndpointFactory;
import io.github.natsspring.listener.ProvidedArgumentResolver;

/**
 * Turns {@link KvWatch @KvWatch} methods into KV watcher endpoints, checking the bucket, the keys, the options and
 * the method's parameters at startup.
 */
public class KvWatchEndpointFactory implements NatsListenerEndpointFactory<KvWatch>, ApplicationEventPublisherAware {

	private static final String ANNOTATION = "@KvWatch";

	private ApplicationEventPublisher eventPublisher;

	private final JetStreamApi api;

	/** A factory for watchers of buckets in the connected account's JetStream. */
	public KvWatchEndpointFactory() {
		this(JetStreamApi.connected());
	}

	/**
	 * A factory for watchers of buckets in the given JetStream.
	 * @param api the JetStream the buckets live in ({@code nats.jetstream.domain})
	 */
	public KvWatchEndpointFactory(JetStreamApi api) {
		this.api = api;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	@Override
	public Class<KvWatch> getAnnotationType() {
		return KvWatch.class;
	}

	@Override
	public NatsListenerEndpoint createEndpoint(Object bean, String beanName, Method method, KvWatch annotation,
			ListenerContext context) {
		String where = ANNOTATION + " on " + ListenerContext.describe(method);
		KvWatchSpec spec;
		boolean autoStartup;
		try {
			spec = KvWatchSpec.of(context.resolve(annotation.bucket()),
					Arrays.stream(annotation.keys()).map(context::resolve).toList(),
					context.resolveBoolean(annotation.includeHistory(), false, where + ": includeHistory"),
					context.resolveBoolean(annotation.updatesOnly(), false, where + ": updatesOnly"),
					context.resolveBoolean(annotation.ignoreDeletes(), false, where + ": ignoreDeletes"),
					context.resolveBoolean(annotation.metaOnly(), false, where + ": metaOnly"));
			autoStartup = context.resolveBoolean(annotation.autoStartup(), true, where + ": autoStartup");
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + ": " + ex.getMessage(), ex);
		}
		List<ProvidedArgumentResolver> resolvers = new ArrayList<>();
		resolvers.add(new KvArgumentResolvers.EntryResolver());
		resolvers.add(new KvArgumentResolvers.OperationResolver());
		int valueIndex = findValueParameter(method, spec, where, resolvers);
		if (valueIndex >= 0) {
			resolvers.add(new KvArgumentResolvers.ValueResolver(method, valueIndex, context.getMessageConverter(),
					context.getValidator()));
		}
		ListenerMethod listenerMethod = context.createListenerMethod(bean, method, ANNOTATION, resolvers);
		String id = context.resolve(annotation.id());
		if (!StringUtils.hasText(id)) {
			id = beanName + "." + method.getName();
		}
		String description = ANNOTATION + "(" + spec + ") " + listenerMethod.getDescription();
		return new KvWatchEndpoint(id, spec, new KvWatchMethodHandler(listenerMethod), description, autoStartup,
				this.eventPublisher, Duration.ZERO, this.api);
	}

	/**
	 * Finds the parameter that receives the value: the one that is neither a {@code @Header}/{@code @Headers}
	 * parameter nor a type provided by the watcher. Rejects broker types a KV watcher does not provide, a second
	 * value parameter, a value parameter of a primitive type (deletes have no value) and one on a
	 * {@code metaOnly} watcher.
	 */
	private static int findValueParameter(Method method, KvWatchSpec spec, String where,
			List<ProvidedArgumentResolver> provided) {
		List<Integer> candidates = new ArrayList<>();
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			if (parameter.hasParameterAnnotation(Header.class) || parameter.hasParameterAnnotation(Headers.class)) {
				continue;
			}
			if (provided.stream().anyMatch((resolver) -> resolver.supportsParameter(parameter))) {
				continue;
			}
			Class<?> type = parameter.getParameterType();
			if (ListenerContext.isBrokerType(type)) {
				throw new IllegalStateException(where + " cannot receive a " + type.getName() + " (parameter " + i
						+ "). Available by type: " + KeyValueEntry.class.getName() + ", "
						+ KeyValueOperation.class.getName() + "; with @Header: KvHeaders.KEY, REVISION, OPERATION, "
						+ "BUCKET, CREATED, DELTA, INITIAL; one more parameter receives the value.");
			}
			candidates.add(i);
		}
		if (candidates.size() > 1) {
			throw new IllegalStateException(where + " has more than one value parameter: "
					+ candidates.stream().map((i) -> i + " (" + method.getParameterTypes()[i].getSimpleName() + ")")
						.toList()
					+ ". Only one parameter receives the value; use @Header(KvHeaders.KEY) for the key and "
					+ "@Header(KvHeaders.REVISION) for the revision.");
		}
		if (candidates.isEmpty()) {
			return -1;
		}
		int index = candidates.get(0);
		Class<?> type = method.getParameterTypes()[index];
		if (spec.metaOnly()) {
			throw new IllegalStateException(where + ": metaOnly watchers receive no values, but parameter " + index
					+ " (" + type.getSimpleName() + ") would receive the value. Remove it, or take the "
					+ "KeyValueEntry for the metadata.");
		}
		if (type.isPrimitive()) {
			throw new IllegalStateException(where + ": the value parameter " + index + " has the primitive type "
					+ type.getName() + ", but deletes and purges have no value. Use "
					+ "the wrapper type, an Optional, or @Header(KvHeaders.REVISION) if you meant the revision.");
		}
		return index;
	}

}
