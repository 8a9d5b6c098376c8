package io.github.natsspring.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the harness working: every scenario runs briefly and completes all its operations. Speed is not asserted
 * here (shared machines are noisy); run {@code scripts/benchmark.sh} to measure.
 */
class BenchmarkSmokeTests {

	@Test
	void everyScenarioCompletes() throws Exception {
		BenchmarkMain.Settings settings = BenchmarkMain.Settings.parse(new String[] { "operations=2000", "rounds=1" });
		List<Result> results = BenchmarkMain.run(settings, BenchmarkMain.allScenarios());
		assertThat(results).hasSize(BenchmarkMain.allScenarios().size());
		assertThat(results).allSatisfy((result) -> {
			assertThat(result.operations()).isPositive();
			assertThat(result.perSecond()).isPositive();
		});
		assertThat(BenchmarkMain.table(results)).contains("raw jnats").contains("@NatsListener");
	}

}
