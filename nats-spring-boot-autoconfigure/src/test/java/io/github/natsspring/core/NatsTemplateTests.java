package io.github.natsspring.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ParameterizedTypeReference;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.test.NatsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * NatsTemplate against a real server: conversion, envelope headers, checks before sending, typed failures.
 */
@Tag("compat")
class NatsTemplateTests {

	private static NatsServer server;

	private static Connection raw;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues("nats.servers=" + server.url(), "nats.request-timeout=500ms");

	@BeforeAll
	static void startServer() throws Exception {
		server = NatsServer.builder().jetStream(false).config("max_payload: 2048").build().start();
		raw = Nats.connect(server.url());
	}

	@AfterAll
	static void stopServer() throws Exception {
		raw.close();
		server.close();
	}

	@Test
	void publishesBytesStringsAndJsonWithEnvelopeHeaders() throws Exception {
		BlockingQueue<Message> received = subscribe("convert.>");
		this.runner.run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			template.publish("convert.bytes", new byte[] { 1, 2, 3 });
			template.publish("convert.text", "héllo");
			template.publish("convert.json", new Invoice("inv-1", List.of("a", "b")), Map.of("Tenant", "acme"));
			Message bytes = received.poll(5, TimeUnit.SECONDS);
			Message text = received.poll(5, TimeUnit.SECONDS);
			Message json = received.poll(5, TimeUnit.SECONDS);
			assertThat(bytes.getData()).containsExactly(1, 2, 3);
			assertThat(new String(text.getData(), "UTF-8")).isEqualTo("héllo");
			assertThat(new String(json.getData(), "UTF-8")).isEqualTo("{\"id\":\"inv-1\",\"lines\":[\"a\",\"b\"]}");
			assertThat(json.getHeaders().getFirst(NatsHeaders.CONTENT_TYPE)).isEqualTo("application/json");
			assertThat(json.getHeaders().getFirst("Tenant")).isEqualTo("acme");
			Set<String> ids = ConcurrentHashMap.newKeySet();
			for (Message message : List.of(bytes, text, json)) {
				String id = message.getHeaders().getFirst(NatsHeaders.MESSAGE_ID);
				assertThat(id).isNotBlank();
				assertThat(message.getHeaders().getFirst(NatsHeaders.CORRELATION_ID)).isEqualTo(id);
				ids.add(id);
			}
			assertThat(ids).hasSize(3);
		});
	}

	@Test
	void rejectsBadSubjectsBeforeSending() {
		this.runner.run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			for (String subject : List.of("orders.*", "orders.>", "orders..created", ".orders", "orders.", "", "a b")) {
				assertThatExceptionOfType(NatsInvalidSubjectException.class)
					.as(subject)
					.isThrownBy(() -> template.publish(subject, "x"));
			}
			assertThatExceptionOfType(NatsInvalidSubjectException.class)
				.isThrownBy(() -> template.request("svc.*", "x", String.class))
				.withMessageContaining("wildcards");
		});
	}

	@Test
	void rejectsPayloadsOverTheServersMaxPayload() {
		this.runner.run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			assertThatExceptionOfType(NatsPayloadTooLargeException.class)
				.isThrownBy(() -> template.publish("big", new byte[4096]))
				.satisfies((ex) -> assertThat(ex.getMaxPayload()).isEqualTo(2048));
			template.publish("big", new byte[1024]);
		});
	}

	@Test
	void typedRequestFailures() throws Exception {
		// a responder that never answers
		raw.createDispatcher((message) -> { }).subscribe("silent.service");
		raw.flush(Duration.ofSeconds(2));
		this.runner.run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			assertThatExceptionOfType(NatsNoRespondersException.class)
				.isThrownBy(() -> template.request("nobody.home", "x", String.class))
				.satisfies((ex) -> assertThat(ex.getSubject()).isEqualTo("nobody.home"));
			assertThatExceptionOfType(NatsRequestTimeoutException.class)
				.isThrownBy(() -> template.request("silent.service", "x", String.class, Duration.ofMillis(200)))
				.satisfies((ex) -> assertThat(ex.getTimeout()).isEqualTo(Duration.ofMillis(200)));
			CompletableFuture<String> async = template.requestAsync("nobody.home", "x", String.class);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> async.get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(NatsNoRespondersException.class);
		});
	}

	@Test
	void requestVariantsConvertReplies() throws Exception {
		raw.createDispatcher((message) -> raw.publish(message.getReplyTo(),
				"[{\"id\":\"a\",\"lines\":[]},{\"id\":\"b\",\"lines\":[\"x\"]}]".getBytes()))
			.subscribe("invoices.list");
		raw.flush(Duration.ofSeconds(2));
		this.runner.run((context) -> {
			NatsTemplate template = context.getBean(NatsTemplate.class);
			List<Invoice> invoices = template.request("invoices.list", "", new ParameterizedTypeReference<List<Invoice>>() {
			});
			assertThat(invoices).extracting(Invoice::id).containsExactly("a", "b");
			Message message = template.request("invoices.list", "", Message.class);
			assertThat(message.getData()).isNotEmpty();
			assertThat(template.requestAsync("invoices.list", "", String.class).get(5, TimeUnit.SECONDS)).startsWith("[");
			assertThatExceptionOfType(NatsMessageConversionException.class)
				.isThrownBy(() -> template.request("invoices.list", "", Invoice.class));
		});
	}

	private static BlockingQueue<Message> subscribe(String subject) throws Exception {
		BlockingQueue<Message> received = new LinkedBlockingQueue<>();
		raw.createDispatcher(received::add).subscribe(subject);
		raw.flush(Duration.ofSeconds(2));
		return received;
	}

	record Invoice(String id, List<String> lines) {
	}

}
