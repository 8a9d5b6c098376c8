package io.github.natsspring.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.ParameterizedTypeReference;

import io.github.natsspring.core.NatsOperations;

/**
 * A {@link NatsRequest} method: request-reply through {@link NatsOperations}, blocking or with a future, the reply
 * converted to the declared type or ignored.
 */
final class RequestMethod implements ClientMethod {

	private final NatsOperations nats;

	private final MessageArguments arguments;

	private final Duration timeout;

	private final ParameterizedTypeReference<?> replyType;

	private final boolean async;

	private final boolean discardReply;

	RequestMethod(NatsOperations nats, MessageArguments arguments, Duration timeout, ReplyType reply) {
		this.nats = nats;
		this.arguments = arguments;
		this.timeout = timeout;
		this.replyType = ParameterizedTypeReference.forType(reply.type());
		this.async = reply.async();
		this.discardReply = reply.discarded();
	}

	@Override
	public Object invoke(Object[] args) {
		if (this.async) {
			CompletableFuture<?> reply;
			try {
				reply = this.nats.requestAsync(this.arguments.subject(args), this.arguments.payload(args),
						this.arguments.headers(args), this.replyType, this.timeout);
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return this.discardReply ? ReplyType.withoutValue(reply) : reply;
		}
		Object reply = this.nats.request(this.arguments.subject(args), this.arguments.payload(args),
				this.arguments.headers(args), this.replyType, this.timeout);
		return this.discardReply ? null : reply;
	}

}
