package io.github.natsspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.natsspring.jetstream.reconcile.InvalidDeclarationException;

/**
 * Explains an invalid JetStream declaration: the property, what is wrong, and the fix.
 */
class InvalidJetStreamDeclarationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidDeclarationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidDeclarationException cause) {
		return new FailureAnalysis(cause.getMessage() + ". Nothing was sent to NATS.", cause.getAction(), cause);
	}

}
