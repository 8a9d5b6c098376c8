package io.github.natsspring.benchmarks;

import java.util.ArrayList;
import java.util.List;

import io.nats.client.Nats;

import io.github.natsspring.test.NatsServerBinary;

/**
 * Runs every scenario through nats-spring-boot and through raw jnats on the same kind of server in the same run and
 * prints both with the relative speed (1.00: as fast as raw jnats).
 * <p>
 * {@code ./mvnw -B -pl benchmarks -am verify -DskipTests -Dbenchmarks}
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		List<Result> results = new ArrayList<>();
		results.addAll(ReconcileBenchmark.run());
		results.addAll(PublishBenchmark.run());
		System.out.println();
		System.out.printf("nats-server %s, jnats %s, Java %s, %d processors%n", NatsServerBinary.forCurrentRun().version(),
				Nats.CLIENT_VERSION, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
		System.out.printf("%-52s %14s %14s %10s%n", "scenario", "nats-spring", "raw jnats", "rel. speed");
		results.forEach((result) -> System.out.println(result.format()));
	}

}
