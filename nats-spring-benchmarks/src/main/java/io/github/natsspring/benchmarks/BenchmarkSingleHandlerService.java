package io.github.natsspring.benchmarks;

import io.github.natsspring.micro.NatsEndpoint;
import io.github.natsspring.micro.NatsService;

/**
 * The echo service with one handler: requests are handled on the jnats dispatcher's own thread, with no hand-off
 * to a worker. Measures what the hand-off costs a request that arrives alone.
 */
@NatsService(name = "bench-single", version = "1.0.0", concurrency = "1")
public class BenchmarkSingleHandlerService {

	static final String ECHO = "bench.service.single.echo";

	@NatsEndpoint(subject = ECHO)
	public byte[] echo(byte[] payload) {
		return payload;
	}

}
