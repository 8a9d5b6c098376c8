package io.github.natsspring.client.scan;

import io.github.natsspring.client.NatsExchange;
import io.github.natsspring.client.NatsRequest;

/**
 * Found by scanning; package-private and in another package than the proxy machinery, with a default method.
 */
@NatsExchange("${clients.echo.prefix}")
interface EchoClient {

	@NatsRequest("echo")
	String echo(String text);

	default String shout(String text) {
		return echo(text).toUpperCase(java.util.Locale.ROOT);
	}

}
