package io.github.natsspring.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import io.nats.client.PublishOptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.Headers;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.testsupport.FailureAnalyzers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client interfaces that cannot be served fail startup, with a message naming every method and what to change.
 * Nothing here talks to a server: the checks run while the beans are created.
 */
class NatsClientValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class,
				NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues("nats.servers=nats://127.0.0.1:1");

	@Test
	void everyMethodThatCannotBeServedIsNamedWithWhatToChange() {
		this.runner.withUserConfiguration(BrokenClientConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).rootCause().isInstanceOf(InvalidNatsClientException.class);
			String message = failure.getCause().getMessage();
			assertThat(message).contains("NATS client " + BrokenClient.class.getName() + " cannot be built:")
				.contains("BrokenClient.unannotated() has no @NatsRequest, @NatsPublish or @JetStreamPublish")
				.contains("BrokenClient.both() has more than one of @NatsRequest, @NatsPublish and @JetStreamPublish")
				.contains("BrokenClient.publishReturnsValue(String) returns java.lang.String; a @NatsPublish method "
						+ "returns void")
				.contains("BrokenClient.wildcard(String) Invalid subject 'orders.*': wildcards")
				.contains("BrokenClient.unboundVariable(String) subject 'orders.{id}' has the variable {id} but no "
						+ "@DestinationVariable(\"id\") parameter")
				.contains("BrokenClient.strayVariable(String, String) @DestinationVariable(\"other\") matches no "
						+ "{other} in subject 'orders.{id}'")
				.contains("BrokenClient.twoPayloads(String, String) has more than one payload parameter (String a and "
						+ "String b)")
				.contains("BrokenClient.badTimeout(String) timeout 'soon' is not a duration")
				.contains("BrokenClient.rawFuture(String) returns CompletableFuture without a reply type")
				.contains("BrokenClient.plainFuture(String) returns Future; return CompletableFuture<T>")
				.contains("BrokenClient.unresolvable(String) Could not resolve placeholder 'missing.subject'")
				.contains("BrokenClient.optionsOnRequest(String, PublishOptions) a PublishOptions parameter only "
						+ "applies to @JetStreamPublish methods")
				.contains("BrokenClient.jetStreamReturnsString(String) returns java.lang.String; a @JetStreamPublish "
						+ "method returns PublishResult")
				.contains("BrokenClient.headersNotMap(String, String) a @Headers parameter must be a Map")
				.contains("BrokenClient.noSubject(String) has no subject")
				.contains("BrokenClient.annotatedDefault(String) is a default method with a NATS annotation")
				.contains("BrokenClient.badHeader(String) header 'no-equals' must be written as name=value")
				.contains("BrokenClient.timeoutAndOptions(String, PublishOptions) has both a timeout and a "
						+ "PublishOptions parameter");
			assertThat(message.lines().filter((line) -> line.startsWith("  - "))).hasSize(18);
			assertThat(message).doesNotContain("fine(");
			FailureAnalysis analysis = FailureAnalyzers.analyze(failure);
			assertThat(analysis.getDescription()).isEqualTo(message);
			assertThat(analysis.getAction()).contains("docs/clients.md");
		});
	}

	@Test
	void aJetStreamMethodNeedsJetStream() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(ExportClientConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ExportClient.exported(String) needs JetStream, and there is no "
						+ "JetStreamOperations bean"));
	}

	@Test
	void placeholdersLeftUnresolvedByALenientContextAreReported() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(UnresolvableClientConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("UnresolvableClient.get(String) Could not resolve placeholder in "
						+ "'${missing.prefix}.get'"));
	}

	@Test
	void aClientNeedsTheNatsAutoConfiguration() {
		new ApplicationContextRunner().withUserConfiguration(ExportClientConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidNatsClientException.class)
				.hasMessageContaining("needs a NatsOperations bean"));
	}

	@Test
	void invalidExchangeAttributesAndTypesThatAreNotInterfaces() {
		this.runner.withUserConfiguration(BadExchangeConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("NATS client " + BadExchangeClient.class.getName()
						+ " cannot be built: @NatsExchange timeout '-1s' must be positive"));
		this.runner.withUserConfiguration(NotAnInterfaceConfiguration.class)
			.run((context) -> assertThat(FailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
				.contains("lists java.lang.String, which is not an interface"));
	}

	interface BrokenClient {

		String unannotated();

		@NatsRequest("a")
		@NatsPublish("a")
		void both();

		@NatsPublish("evt")
		String publishReturnsValue(String text);

		@NatsRequest("orders.*")
		String wildcard(String text);

		@NatsRequest("orders.{id}")
		String unboundVariable(String text);

		@NatsRequest("orders.{id}")
		String strayVariable(@DestinationVariable("id") String id, @DestinationVariable("other") String other);

		@NatsRequest("orders.get")
		String twoPayloads(String a, String b);

		@NatsRequest(subject = "orders.get", timeout = "soon")
		String badTimeout(String text);

		@SuppressWarnings("rawtypes")
		@NatsRequest("orders.get")
		CompletableFuture rawFuture(String text);

		@NatsRequest("orders.get")
		Future<String> plainFuture(String text);

		@NatsRequest("${missing.subject}")
		String unresolvable(String text);

		@NatsRequest("orders.get")
		String optionsOnRequest(String text, PublishOptions options);

		@JetStreamPublish("orders.new")
		String jetStreamReturnsString(String text);

		@NatsRequest("orders.get")
		String headersNotMap(@Headers String headers, String text);

		@NatsRequest("")
		String noSubject(String text);

		@NatsRequest("orders.get")
		default String annotatedDefault(String text) {
			return text;
		}

		@NatsRequest(subject = "orders.get", headers = "no-equals")
		String badHeader(String text);

		@JetStreamPublish(subject = "orders.new", timeout = "1s")
		void timeoutAndOptions(String text, PublishOptions options);

		@NatsRequest("orders.list")
		List<String> fine(String text);

	}

	interface ExportClient {

		@JetStreamPublish("exports.new")
		void exported(String id);

	}

	interface UnresolvableClient {

		@NatsRequest("${missing.prefix}.get")
		String get(String id);

	}

	@NatsExchange(timeout = "-1s")
	interface BadExchangeClient {

		@NatsRequest("a")
		String a(String text);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportNatsClients(BrokenClient.class)
	static class BrokenClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportNatsClients(ExportClient.class)
	static class ExportClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportNatsClients(UnresolvableClient.class)
	static class UnresolvableClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportNatsClients(BadExchangeClient.class)
	static class BadExchangeConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportNatsClients(String.class)
	static class NotAnInterfaceConfiguration {

	}

}
