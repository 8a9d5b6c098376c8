package io.github.natsspring.client;

import java.util.concurrent.CompletableFuture;

import io.nats.client.PublishOptions;

import io.github.natsspring.jetstream.JetStreamOperations;
import io.github.natsspring.jetstream.PublishResult;

/**
 * A {@link JetStreamPublish} method: a publish with storage acknowledgement through {@link JetStreamOperations},
 * blocking or with a future.
 */
final class JetStreamPublishMethod implements ClientMethod {

	private final JetStreamOperations jetStream;

	private final MessageArguments arguments;

	/** Options of the annotation (its timeout), used when the method takes no {@code PublishOptions}. */
	private final PublishOptions fixedOptions;

	private final boolean async;

	private final boolean discardResult;

	JetStreamPublishMethod(JetStreamOperations jetStream, MessageArguments arguments, PublishOptions fixedOptions,
			ReplyType reply) {
		this.jetStream = jetStream;
		this.arguments = arguments;
		this.fixedOptions = fixedOptions;
		this.async = reply.async();
		this.discardResult = reply.discarded();
	}

	@Override
	public Object invoke(Object[] args) {
		if (this.async) {
			CompletableFuture<PublishResult> result;
			try {
				result = this.jetStream.publishAsync(this.arguments.subject(args), this.arguments.payload(args),
						this.arguments.headers(args), options(args));
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return this.discardResult ? ReplyType.withoutValue(result) : result;
		}
		PublishResult result = this.jetStream.publish(this.arguments.subject(args), this.arguments.payload(args),
				this.arguments.headers(args), options(args));
		return this.discardResult ? null : result;
	}

	private PublishOptions options(Object[] args) {
		return this.arguments.hasPublishOptions() ? this.arguments.options(args) : this.fixedOptions;
	}

}
