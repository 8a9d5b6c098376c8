package io.github.natsspring.subscription;

import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMethod;
import io.github.natsspring.listener.NatsListenerEndpoint;

/**
 * A {@code @NatsListener} method with its resolved subject, queue group and concurrency.
 *
 * @param id the endpoint id
 * @param subject the subject (pattern) to subscribe to
 * @param queue the queue group or {@code null}
 * @param concurrency how many messages may be handled at once
 * @param method the method
 * @param autoStartup whether to start with the application
 */
public record SubscriptionEndpoint(String id, String subject, String queue, int concurrency, ListenerMethod method,
		boolean autoStartup) implements NatsListenerEndpoint {

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public String describe() {
		return "@NatsListener(subject=" + this.subject + ((this.queue != null) ? ", queue=" + this.queue : "")
				+ ") " + this.method.getDescription();
	}

	@Override
	public ListenerContainer createContainer(ListenerContext context) {
		return new SubscriptionContainer(this, context);
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

}
