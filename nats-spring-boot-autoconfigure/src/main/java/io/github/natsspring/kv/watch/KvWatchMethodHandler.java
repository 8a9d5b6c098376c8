package io.github.natsspring.kv.watch;

import java.util.concurrent.CompletionStage;

import io.nats.client.api.KeyValueEntry;

import io.github.natsspring.listener.ListenerMethod;

/**
 * Hands entries to a {@code @KvWatch} method; waits for a returned {@link CompletionStage} so that entries stay
 * in order.
 */
final class KvWatchMethodHandler implements KvEntryHandler {

	private final ListenerMethod method;

	KvWatchMethodHandler(ListenerMethod method) {
		this.method = method;
	}

	@Override
	public void onEntry(KeyValueEntry entry, boolean initial) throws Exception {
		Object result = this.method.invoke(KvMessages.toMessage(entry, initial));
		if (result instanceof CompletionStage<?> stage) {
			stage.toCompletableFuture().join();
		}
	}

	@Override
	public String toString() {
		return this.method.getDescription();
	}

}
