package io.github.natsspring.jetstream.listener;

import java.util.Locale;

/**
 * Who acknowledges messages of a {@code @JetStreamListener}.
 */
public enum AckMode {

	/** The listener: ack after the method returned, failure handling when it threw. */
	AUTO,

	/** The method, through an {@link Acknowledgment} parameter. */
	MANUAL;

	static AckMode parse(String text) {
		if (text == null || text.isBlank()) {
			return AUTO;
		}
		return switch (text.trim().toLowerCase(Locale.ROOT)) {
			case "auto" -> AUTO;
			case "manual" -> MANUAL;
			default -> throw new IllegalArgumentException("ackMode must be auto or manual, got '" + text + "'");
		};
	}

}
