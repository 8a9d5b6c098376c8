package io.github.natsspring.kv.watch;

import java.time.Duration;

import org.springframework.context.ApplicationEventPublisher;

import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.NatsListenerEndpoint;

/**
 * A KV watcher waiting to be started: a {@code @KvWatch} method or a {@link KvView}.
 *
 * @param id the id
 * @param spec what to watch
 * @param handler what receives the entries
 * @param description for logs and errors
 * @param autoStartup whether to start with the application
 * @param eventPublisher publishes the {@link KvWatchReadyEvent}, may be {@code null}
 * @param awaitInitialValues how long starting waits for the initial values ({@link Duration#ZERO}: not at all)
 * @param api the JetStream the bucket lives in ({@code nats.jetstream.domain})
 */
record KvWatchEndpoint(String id, KvWatchSpec spec, KvEntryHandler handler, String description, boolean autoStartup,
		ApplicationEventPublisher eventPublisher, Duration awaitInitialValues,
		JetStreamApi api) implements NatsListenerEndpoint {

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public String describe() {
		return this.description;
	}

	@Override
	public ListenerContainer createContainer(ListenerContext context) {
		return new KvWatchContainer(this, context.getMetrics());
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

}
