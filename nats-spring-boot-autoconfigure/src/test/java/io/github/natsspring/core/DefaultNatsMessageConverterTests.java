package io.github.natsspring.core;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A reader made once for a type reads as {@code fromPayload} does, errors included.
 */
class DefaultNatsMessageConverterTests {

	private final DefaultNatsMessageConverter converter = new DefaultNatsMessageConverter(JsonMapper.builder().build());

	record Invoice(String id, long cents) {
	}

	@Test
	void readsRecordsAndGenericTypesAsFromPayloadDoes() {
		byte[] one = json("{\"id\":\"inv-1\",\"cents\":1250}");
		assertThat(this.converter.readerFor(Invoice.class).read(one, null))
			.isEqualTo(this.converter.fromPayload(one, null, Invoice.class))
			.isEqualTo(new Invoice("inv-1", 1250));
		Type list = new ParameterizedTypeReference<List<Invoice>>() {
		}.getType();
		byte[] many = json("[{\"id\":\"a\",\"cents\":1},{\"id\":\"b\",\"cents\":2}]");
		assertThat(this.converter.readerFor(list).read(many, null))
			.isEqualTo(this.converter.fromPayload(many, null, list))
			.isEqualTo(List.of(new Invoice("a", 1), new Invoice("b", 2)));
	}

	@Test
	void passesBytesAndTextThroughAndReadsObjectByContentType() {
		byte[] text = json("{\"a\":1}");
		assertThat(this.converter.readerFor(String.class).read(text, null)).isEqualTo("{\"a\":1}");
		assertThat(this.converter.readerFor(Object.class).read(text, null)).isEqualTo("{\"a\":1}");
		Headers json = new Headers().put(NatsHeaders.CONTENT_TYPE, DefaultNatsMessageConverter.APPLICATION_JSON);
		assertThat(this.converter.readerFor(Object.class).read(text, json))
			.isEqualTo(this.converter.fromPayload(text, json, Object.class));
	}

	@Test
	void failsLikeFromPayloadOnBadAndEmptyPayloads() {
		byte[] bad = json("{\"id\":");
		NatsMessageConversionException expected = catchConversion(() -> this.converter.fromPayload(bad, null, Invoice.class));
		assertThatExceptionOfType(NatsMessageConversionException.class)
			.isThrownBy(() -> this.converter.readerFor(Invoice.class).read(bad, null))
			.withMessage(expected.getMessage())
			.withMessageStartingWith("Payload is not valid JSON for Invoice");
		assertThatExceptionOfType(NatsMessageConversionException.class)
			.isThrownBy(() -> this.converter.readerFor(Invoice.class).read(new byte[0], null))
			.withMessageContaining("Empty payload cannot be read as");
	}

	@Test
	void withoutAMapperJsonTypesFailWhenRead() {
		DefaultNatsMessageConverter plain = new DefaultNatsMessageConverter(null);
		NatsMessageConverter.PayloadReader reader = plain.readerFor(Invoice.class);
		assertThatExceptionOfType(NatsMessageConversionException.class)
			.isThrownBy(() -> reader.read(json("{}"), null))
			.withMessageContaining("No JSON mapper available");
	}

	private static NatsMessageConversionException catchConversion(Runnable read) {
		try {
			read.run();
		}
		catch (NatsMessageConversionException ex) {
			return ex;
		}
		throw new AssertionError("expected a conversion failure");
	}

	private static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
