package io.github.natsspring.coordination;

import java.nio.charset.StandardCharsets;

/**
 * Turns names (of leases, locks, roles) into key tokens. A key may only hold letters, digits and {@code - _ / = .};
 * names keep letters, digits, {@code -}, {@code _} and inner dots, and every other UTF-8 byte is written as
 * {@code =XX} ({@code =} itself too), so different names never share a key.
 */
final class LeaseKeys {

	private LeaseKeys() {
	}

	/**
	 * The key a name has under a namespace.
	 * @param namespace the namespace, a plain token
	 * @param name the name
	 * @return {@code <namespace>.<encoded name>}
	 */
	static String key(String namespace, String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("A lease needs a name");
		}
		return namespace + "." + encode(name);
	}

	static String encode(String name) {
		boolean dotsAllowed = !name.startsWith(".") && !name.endsWith(".") && !name.contains("..");
		StringBuilder out = new StringBuilder(name.length());
		for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
			int c = b & 0xFF;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
					|| (c == '.' && dotsAllowed)) {
				out.append((char) c);
			}
			else {
				out.append('=')
					.append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
					.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
			}
		}
		return out.toString();
	}

	/**
	 * Whether a name is a plain token (letters, digits, {@code -} and {@code _}), as namespaces and role names must
	 * be.
	 * @param name the name
	 * @return {@code true} if it is
	 */
	static boolean isToken(String name) {
		return name != null && !name.isEmpty() && name.chars()
			.allMatch((c) -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_');
	}

}
