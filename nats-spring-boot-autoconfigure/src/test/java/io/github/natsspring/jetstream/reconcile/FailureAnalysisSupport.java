package io.github.natsspring.jetstream.reconcile;

import java.util.List;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

/**
 * Runs a startup failure through the registered failure analyzers, as Spring Boot does before printing it.
 */
public final class FailureAnalysisSupport {

	private FailureAnalysisSupport() {
	}

	public static FailureAnalysis analyze(Throwable failure) {
		// analyzers that need the bean factory or environment are skipped: ours and the binder's do not
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, ex) -> {
			}));
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		throw new AssertionError("No failure analyzer explains " + failure);
	}

}
