package io.github.natsspring.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the harness working: every pair runs briefly on both sides and completes all its operations, and the table
 * has a ratio for each. Speed is not asserted here (shared machines are noisy); run {@code scripts/benchmark.sh} to
 * measure.
 */
class BenchmarkSmokeTests {

	@Test
	void everyPairCompletes() throws Exception {
		BenchmarkMain.Settings settings = BenchmarkMain.Settings
			.parse(new String[] { "operations=2000", "rounds=1", "startupRuns=1" });
		BenchmarkMain.Report report = BenchmarkMain.run(settings);
		assertThat(report.rows()).hasSize(BenchmarkMain.allPairs().size() + 2);
		assertThat(report.rows()).allSatisfy((row) -> {
			assertThat(row.raw()).singleElement().satisfies((result) -> assertThat(result.operations()).isPositive());
			assertThat(row.starter()).singleElement()
				.satisfies((result) -> assertThat(result.operations()).isPositive());
			assertThat(row.compare()).isFinite();
		});
		assertThat(report.table()).contains("jnats dispatcher").contains("@NatsListener(byte[])")
			.contains("@JetStreamListener").contains("startup");
	}

}
