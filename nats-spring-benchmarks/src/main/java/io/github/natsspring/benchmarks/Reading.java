package io.github.natsspring.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The JSON payload of the JSON pairs: a sensor reading, about 128 bytes on the wire.
 *
 * @param id the reading id
 * @param sequence its sequence number
 * @param value the value
 * @param unit the unit
 * @param source where it came from
 */
public record Reading(String id, long sequence, double value, String unit, String source) {

	static byte[] json() {
		return """
				{"id":"reading-0000000042","sequence":42,"value":21.5,"unit":"celsius","source":"benchmark-sensor-01-hall-b"}"""
			.getBytes(StandardCharsets.UTF_8);
	}

}
