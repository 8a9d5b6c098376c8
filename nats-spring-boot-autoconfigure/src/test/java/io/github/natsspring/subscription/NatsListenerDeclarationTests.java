package io.github.natsspring.subscription;

import io.nats.client.api.KeyValueEntry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.testsupport.FailureAnalyzers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Declarations that cannot be served fail at startup with a message naming the method; placeholders resolve.
 * No server is needed: none of this does I/O.
 */
class NatsListenerDeclarationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsListenerAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("nats.servers=nats://127.0.0.1:1");

	@Test
	void placeholdersAreResolved() {
		this.runner.withUserConfiguration(Placeholders.class)
			.withPropertyValues("app.subject=orders.placed", "app.queue=billing", "app.workers=3")
			.run((context) -> {
				SubscriptionContainer container = (SubscriptionContainer) context.getBean(NatsListenerEndpointRegistry.class)
					.getContainers()
					.iterator()
					.next();
				assertThat(container.describe()).containsEntry("subject", "orders.placed")
					.containsEntry("queue", "billing")
					.containsEntry("concurrency", 3);
			});
	}

	@Test
	void twoPayloadParametersFail() {
		assertStartupFails(TwoPayloads.class, "TwoPayloads.handle(String, String)", "more than one payload parameter");
	}

	@Test
	void brokerTypesThisListenerDoesNotProvideFail() {
		assertStartupFails(WrongBrokerType.class, "WrongBrokerType.handle(KeyValueEntry)",
				"cannot receive a io.nats.client.api.KeyValueEntry");
	}

	@Test
	void invalidSubjectFails() {
		assertStartupFails(BadSubject.class, "BadSubject.handle(String)", "'>' must be the last token");
	}

	@Test
	void invalidConcurrencyFails() {
		assertStartupFails(BadConcurrency.class, "BadConcurrency.handle(String)", "concurrency must be a number");
	}

	@Test
	void duplicateIdsFail() {
		assertStartupFails(DuplicateIds.class, "same", "Two listeners have the id 'same'");
	}

	@Test
	void listenerAnnotationsNobodyHandlesFail() {
		assertStartupFails(Orphaned.class, "Orphaned.handle(String)", "@Orphan");
	}

	private void assertStartupFails(Class<?> configuration, String method, String problem) {
		this.runner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasFailed();
			String description = FailureAnalyzers.analyze(context.getStartupFailure()).getDescription();
			assertThat(description).contains(method).contains(problem);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Placeholders {

		@NatsListener(subject = "${app.subject}", queue = "${app.queue}", concurrency = "${app.workers}")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPayloads {

		@NatsListener(subject = "a")
		void handle(String one, String two) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WrongBrokerType {

		@NatsListener(subject = "a")
		void handle(KeyValueEntry entry) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadSubject {

		@NatsListener(subject = "orders.>.created")
		void handle(String text) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadConcurrency {

		@NatsListener(subject = "a", concurrency = "many")
		void handle(String text) {
		}

	}

	@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
	@java.lang.annotation.Target(java.lang.annotation.ElementType.METHOD)
	@io.github.natsspring.listener.ListenerAnnotation
	@interface Orphan {

	}

	@Configuration(proxyBeanMethods = false)
	static class Orphaned {

		@Orphan
		void handle(String text) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateIds {

		@NatsListener(subject = "a", id = "same")
		void one(String text) {
		}

		@NatsListener(subject = "b", id = "same")
		void two(String text) {
		}

	}

}
