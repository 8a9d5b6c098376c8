package io.github.natsspring.jetstream.listener;

import java.util.Locale;

/**
 * How a {@code @JetStreamListener} recognises a message it has already handled.
 */
public enum DedupeMode {

	/** No de-duplication. */
	NONE,

	/** By stream sequence: protects against redelivery of a message handled just before a crash. */
	SEQUENCE,

	/**
	 * By the {@code Nats-Msg-Id} (else {@code Message-Id}) header: also catches the same message published twice;
	 * messages without an id fall back to the sequence.
	 */
	MESSAGE_ID;

	static DedupeMode parse(String text) {
		if (text == null || text.isBlank()) {
			return NONE;
		}
		return switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
			case "none", "off", "false" -> NONE;
			case "sequence", "stream-sequence" -> SEQUENCE;
			case "message-id", "msg-id" -> MESSAGE_ID;
			default -> throw new IllegalArgumentException("dedupe must be none, sequence or message-id, got '" + text
					+ "'");
		};
	}

}
