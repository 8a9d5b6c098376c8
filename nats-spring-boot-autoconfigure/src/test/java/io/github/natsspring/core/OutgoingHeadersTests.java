package io.github.natsspring.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Sealed outgoing headers are read-only: jnats then sends them without copying, so nothing may change them.
 */
class OutgoingHeadersTests {

	@Test
	void sealedHeadersAreReadOnlyAndKeepTheirValues() {
		OutgoingHeaders headers = new OutgoingHeaders();
		headers.put("Message-Id", "m-1");
		headers.add("X-Tag", "a", "b");
		assertThat(headers.isReadOnly()).isFalse();
		headers.seal();
		assertThat(headers.isReadOnly()).isTrue();
		assertThat(headers.getFirst("Message-Id")).isEqualTo("m-1");
		assertThat(headers.get("X-Tag")).containsExactly("a", "b");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> headers.put("X", "1"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> headers.add("X", List.of("1")));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> headers.remove("X-Tag"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(headers::clear);
		assertThat(headers.size()).isEqualTo(2);
	}

	@Test
	void emptyHeadersGetBothEnvelopeHeadersAndSayTheyHaveThemOnceSealed() {
		OutgoingHeaders headers = new OutgoingHeaders();
		NatsTemplate.addEnvelope(headers);
		String id = headers.getFirst(NatsHeaders.MESSAGE_ID);
		assertThat(id).hasSize(22);
		assertThat(headers.getFirst(NatsHeaders.CORRELATION_ID)).isEqualTo(id);
		assertThat(headers.hasEnvelope()).as("not sealed yet").isFalse();
		assertThat(headers.seal().hasEnvelope()).isTrue();
	}

	@Test
	void headersThatAlreadyHaveAnEnvelopeHeaderKeepIt() {
		OutgoingHeaders headers = new OutgoingHeaders();
		headers.put(NatsHeaders.CORRELATION_ID, "order-7");
		NatsTemplate.addEnvelope(headers);
		assertThat(headers.getFirst(NatsHeaders.CORRELATION_ID)).isEqualTo("order-7");
		assertThat(headers.getFirst(NatsHeaders.MESSAGE_ID)).isNotNull().isNotEqualTo("order-7");
		assertThat(headers.seal().hasEnvelope()).isTrue();
	}

	@Test
	void removingAnEnvelopeHeaderAfterwardsIsNoticed() {
		OutgoingHeaders headers = new OutgoingHeaders();
		NatsTemplate.addEnvelope(headers);
		headers.remove(NatsHeaders.CORRELATION_ID);
		assertThat(headers.seal().hasEnvelope()).isFalse();
		OutgoingHeaders replaced = new OutgoingHeaders();
		NatsTemplate.addEnvelope(replaced);
		replaced.put(NatsHeaders.MESSAGE_ID, List.of());
		assertThat(replaced.seal().hasEnvelope()).isFalse();
	}

}
