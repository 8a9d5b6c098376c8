package io.github.natsspring.testsupport;

import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.NatsListener;

/**
 * A listener that answers requests on {@code test.echo}, to prove a connection works end to end.
 */
@Configuration(proxyBeanMethods = false)
public class Echo {

	@NatsListener(subject = "test.echo")
	public String echo(String text) {
		return "echo: " + text;
	}

}
