package io.github.natsspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.natsspring.jetstream.reconcile.JetStreamReconcileException;

/**
 * Explains why the declared JetStream topology could not be made real at startup.
 */
class JetStreamReconcileFailureAnalyzer extends AbstractFailureAnalyzer<JetStreamReconcileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, JetStreamReconcileException cause) {
		if (cause.getReport() == null) {
			return new FailureAnalysis(cause.getMessage(),
					"Make sure the server has JetStream enabled and this user may use the JetStream API, or set "
							+ "nats.jetstream.reconcile.fail-on-conflict=false to start anyway and retry in the "
							+ "background.",
					cause);
		}
		return new FailureAnalysis(cause.getMessage(),
				"NATS never changes these settings of an existing resource in place, and nats-spring-boot never "
						+ "deletes or recreates one. Either declare the value the server has, or migrate the resource "
						+ "yourself (for example create a new stream that sources the old one, then switch). To start "
						+ "anyway, reporting conflicts and applying everything else, set "
						+ "nats.jetstream.reconcile.fail-on-conflict=false; to only check, set "
						+ "nats.jetstream.reconcile.mode=validate.",
				cause);
	}

}
