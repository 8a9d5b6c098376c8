package io.github.natsspring.jetstream.reconcile;

import java.util.regex.Pattern;

/**
 * Resource names: what NATS accepts, and how record fields are named in configuration.
 */
final class Names {

	private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9_-]+");

	private Names() {
	}

	static String resolve(String explicitName, String key) {
		return (explicitName != null && !explicitName.isBlank()) ? explicitName : key;
	}

	/**
	 * Why NATS would refuse a stream or consumer name.
	 * @param name the name
	 * @return the reason, or {@code null} when the name is fine
	 */
	static String streamNameProblem(String name) {
		if (name == null || name.isBlank()) {
			return "the name is empty";
		}
		if (name.length() > 255) {
			return "the name is longer than 255 characters";
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c)) {
				return "the name '" + name + "' contains whitespace or control characters";
			}
			if (c == '.' || c == '*' || c == '>' || c == '/' || c == '\\') {
				return "the name '" + name + "' contains '" + c + "' (names must not contain . * > / \\)";
			}
		}
		return null;
	}

	/**
	 * Why NATS would refuse a key-value or object store bucket name.
	 * @param name the name
	 * @return the reason, or {@code null} when the name is fine
	 */
	static String bucketNameProblem(String name) {
		if (name == null || name.isBlank()) {
			return "the name is empty";
		}
		if (!BUCKET.matcher(name).matches()) {
			return "the bucket name '" + name + "' may contain only letters, digits, '-' and '_'";
		}
		return null;
	}

	/**
	 * The configuration property name of a record field.
	 * @param field for example {@code maxMsgsPerSubject}
	 * @return for example {@code max-msgs-per-subject}
	 */
	static String kebab(String field) {
		StringBuilder result = new StringBuilder();
		for (char c : field.toCharArray()) {
			if (Character.isUpperCase(c)) {
				result.append('-').append(Character.toLowerCase(c));
			}
			else {
				result.append(c);
			}
		}
		return result.toString();
	}

}
