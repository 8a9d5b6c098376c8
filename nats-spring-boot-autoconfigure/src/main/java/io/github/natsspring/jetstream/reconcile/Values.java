package io.github.natsspring.jetstream.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.util.unit.DataSize;

/**
 * Normalises declared and server values to comparable forms (the server omits defaults, adds {@code _nats.*}
 * metadata, reports unset durations as null) and formats them for reports.
 */
final class Values {

	static final String NOT_SET = "(not set)";

	private Values() {
	}

	static String text(String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	static Duration duration(Duration value) {
		return (value != null) ? value : Duration.ZERO;
	}

	static Long bytes(DataSize size) {
		return (size != null) ? size.toBytes() : null;
	}

	static Long longValue(Integer value) {
		return (value != null) ? value.longValue() : null;
	}

	static Instant instant(OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	static Instant instant(ZonedDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	/**
	 * User metadata without the keys the server keeps for itself ({@code _nats.*}, from 2.11).
	 * @param metadata the metadata, possibly {@code null}
	 * @return the user's entries
	 */
	static Map<String, String> userMetadata(Map<String, String> metadata) {
		Map<String, String> result = new LinkedHashMap<>();
		if (metadata != null) {
			metadata.forEach((key, value) -> {
				if (!key.startsWith("_nats.")) {
					result.put(key, value);
				}
			});
		}
		return result;
	}

	/**
	 * The entries of the server's user metadata under the keys the declaration has: keys others added on the server
	 * are none of the declaration's business.
	 * @param declared the declared user metadata
	 * @param actual the server's user metadata
	 * @return the server's entries for the declared keys
	 */
	static Object declaredKeys(Object declared, Object actual) {
		if (!(declared instanceof Map<?, ?> keys) || !(actual instanceof Map<?, ?> entries)) {
			return actual;
		}
		Map<Object, Object> result = new LinkedHashMap<>();
		keys.keySet().forEach((key) -> {
			if (entries.containsKey(key)) {
				result.put(key, entries.get(key));
			}
		});
		return result;
	}

	/**
	 * The metadata an update writes: the server's user entries with the declared ones set, so that keys others
	 * added stay. The server's own {@code _nats.*} keys are left for the server to set.
	 * @param actual the server's metadata, possibly {@code null}
	 * @param declared the declared metadata
	 * @return the merged metadata
	 */
	static Map<String, String> mergedMetadata(Map<String, String> actual, Map<String, String> declared) {
		Map<String, String> merged = userMetadata(actual);
		merged.putAll(declared);
		return merged;
	}

	/**
	 * Compares collections as sets: subject lists mean the same in any order.
	 */
	static boolean sameElements(Object a, Object b) {
		if (a instanceof Collection<?> x && b instanceof Collection<?> y) {
			return new HashSet<>(x).equals(new HashSet<>(y));
		}
		return java.util.Objects.equals(a, b);
	}

	static String format(Object value) {
		if (value == null) {
			return NOT_SET;
		}
		if (value instanceof Duration duration) {
			return formatDuration(duration);
		}
		if (value instanceof Enum<?> constant) {
			return Names.kebab(Character.toLowerCase(constant.name().charAt(0)) + constant.name().substring(1));
		}
		if (value instanceof Collection<?> collection) {
			return collection.stream().map(Values::format).collect(Collectors.joining(", ", "[", "]"));
		}
		if (value instanceof Map<?, ?> map) {
			return map.entrySet()
				.stream()
				.map((e) -> e.getKey() + "=" + e.getValue())
				.collect(Collectors.joining(", ", "{", "}"));
		}
		return value.toString();
	}

	static String formatBytes(Object value) {
		if (!(value instanceof Long bytes)) {
			return format(value);
		}
		if (bytes <= 0) {
			return (bytes == -1) ? "-1B (no limit)" : bytes + "B";
		}
		String[] units = { "B", "KB", "MB", "GB", "TB" };
		long amount = bytes;
		int unit = 0;
		while (unit < units.length - 1 && amount % 1024 == 0) {
			amount /= 1024;
			unit++;
		}
		return amount + units[unit];
	}

	static String formatDuration(Duration duration) {
		if (duration.isZero()) {
			return "0s";
		}
		long nanos = duration.toNanos();
		long[] sizes = { 86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L,
				1L };
		String[] units = { "d", "h", "m", "s", "ms", "us", "ns" };
		for (int i = 0; i < sizes.length; i++) {
			if (nanos % sizes[i] == 0) {
				return (nanos / sizes[i]) + units[i];
			}
		}
		return duration.toString();
	}

}
