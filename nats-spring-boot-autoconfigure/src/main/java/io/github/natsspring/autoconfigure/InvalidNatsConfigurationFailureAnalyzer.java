package io.github.natsspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains contradictory or incomplete {@code nats.*} configuration.
 */
class InvalidNatsConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidNatsConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidNatsConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
