package io.github.natsspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.natsspring.client.InvalidNatsClientException;

/**
 * Explains a typed NATS client interface whose methods cannot be served.
 */
class InvalidNatsClientFailureAnalyzer extends AbstractFailureAnalyzer<InvalidNatsClientException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidNatsClientException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Change each method listed as described; docs/clients.md lists the parameters and return types a "
						+ "client method supports.",
				cause);
	}

}
