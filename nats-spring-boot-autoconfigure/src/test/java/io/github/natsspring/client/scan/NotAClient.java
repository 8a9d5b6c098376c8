package io.github.natsspring.client.scan;

import io.github.natsspring.client.NatsRequest;

/**
 * Has no {@code @NatsExchange}: scanning leaves it alone (it would fail: one method has no annotation).
 */
public interface NotAClient {

	@NatsRequest("echo")
	String echo(String text);

	String unannotated();

}
