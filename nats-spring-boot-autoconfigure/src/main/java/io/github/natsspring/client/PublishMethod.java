package io.github.natsspring.client;

import io.github.natsspring.core.NatsOperations;

/**
 * A {@link NatsPublish} method: a core publish through {@link NatsOperations}.
 */
final class PublishMethod implements ClientMethod {

	private final NatsOperations nats;

	private final MessageArguments arguments;

	PublishMethod(NatsOperations nats, MessageArguments arguments) {
		this.nats = nats;
		this.arguments = arguments;
	}

	@Override
	public Object invoke(Object[] args) {
		this.nats.publish(this.arguments.subject(args), this.arguments.payload(args), this.arguments.headers(args));
		return null;
	}

}
