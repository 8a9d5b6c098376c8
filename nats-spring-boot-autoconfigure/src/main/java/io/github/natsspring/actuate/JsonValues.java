package io.github.natsspring.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

/**
 * Turns the JSON jnats writes for a server configuration into maps and lists, so that the endpoint shows it as JSON
 * and not as a string.
 */
final class JsonValues {

	private JsonValues() {
	}

	static Object parse(String json) {
		return toObject(JsonParser.parseUnchecked(json));
	}

	private static Object toObject(JsonValue value) {
		return switch (value.type) {
			case MAP -> {
				Map<String, Object> map = new LinkedHashMap<>();
				value.map.forEach((key, member) -> map.put(key, toObject(member)));
				yield map;
			}
			case ARRAY -> {
				List<Object> list = new ArrayList<>();
				value.array.forEach((member) -> list.add(toObject(member)));
				yield list;
			}
			case STRING -> value.string;
			case BOOL -> value.bool;
			case NULL -> null;
			default -> value.number;
		};
	}

}
