package io.github.natsspring.benchmarks;

import io.github.natsspring.micro.NatsEndpoint;
import io.github.natsspring.micro.NatsService;

/**
 * The starter side of the service pairs: an echo endpoint on the NATS service protocol.
 */
@NatsService(name = "bench", version = "1.0.0")
public class BenchmarkService {

	static final String ECHO = "bench.service.echo";

	@NatsEndpoint(subject = ECHO)
	public byte[] echo(byte[] payload) {
		return payload;
	}

}
