package io.github.natsspring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.natsspring.connection.Redaction;

/**
 * The last line of defence for the endpoint's output: every text in it has URL user-info masked, whatever section
 * it came from (a listener's last error may quote a server URL, for example).
 */
final class Redacted {

	private Redacted() {
	}

	static Object copy(Object value) {
		if (value instanceof String text) {
			return Redaction.redact(text);
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((key, member) -> {
				if (member != null) {
					copy.put(String.valueOf(key), copy(member));
				}
			});
			return copy;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(Redacted::copy).toList();
		}
		return value;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> copy(Map<String, Object> map) {
		return (Map<String, Object>) copy((Object) map);
	}

}
