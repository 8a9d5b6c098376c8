package io.github.natsspring.coordination;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The value a lease key holds: who holds it, which acquisition it is and its TTL, as readable lines
 * ({@code holder=billing-3f2a}) so that {@code nats kv get} shows them.
 *
 * @param holder the holder's instance id
 * @param id the acquisition's id
 * @param ttl the lease's TTL
 */
record LeaseValue(String holder, String id, Duration ttl) {

	byte[] toBytes() {
		return ("holder=" + this.holder + "\nlease=" + this.id + "\nttl=" + this.ttl + "\n")
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Reads a value; what a lease did not write gives a value without holder, id or TTL.
	 * @param data the stored bytes
	 * @return the value
	 */
	static LeaseValue parse(byte[] data) {
		String holder = null;
		String id = null;
		Duration ttl = null;
		if (data != null) {
			for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
				int equals = line.indexOf('=');
				if (equals < 0) {
					continue;
				}
				String value = line.substring(equals + 1).trim();
				switch (line.substring(0, equals).trim()) {
					case "holder" -> holder = value;
					case "lease" -> id = value;
					case "ttl" -> ttl = parseDuration(value);
					default -> {
						// written by a newer version: ignored
					}
				}
			}
		}
		return new LeaseValue(holder, id, ttl);
	}

	private static Duration parseDuration(String text) {
		try {
			return Duration.parse(text);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
