package io.github.natsspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.natsspring.jetstream.listener.JetStreamListenerException;

/**
 * Explains a {@code @JetStreamListener} that could not start on its consumer.
 */
class JetStreamListenerFailureAnalyzer extends AbstractFailureAnalyzer<JetStreamListenerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, JetStreamListenerException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Change the listener, its consumer declaration (nats.jetstream.streams.<stream>.consumers) or the "
						+ "consumer on the server as described; docs/jetstream-listener.md lists what a listener needs.",
				cause);
	}

}
