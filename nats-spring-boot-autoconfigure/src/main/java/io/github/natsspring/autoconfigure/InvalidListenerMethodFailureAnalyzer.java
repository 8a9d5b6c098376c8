package io.github.natsspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.natsspring.listener.InvalidListenerMethodException;

/**
 * Explains a listener method whose annotation or signature cannot be served.
 */
class InvalidListenerMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidListenerMethodException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidListenerMethodException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Change the method or its annotation as described; see docs/ for the parameters each annotation "
						+ "supports.",
				cause);
	}

}
