package io.github.natsspring.connection;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that goes to logs, events and health details: the user-info part of server URLs
 * ({@code nats://user:secret@host}) and any configured secret value.
 */
public final class Redaction {

	private static final Pattern URL_USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s\\[\\],]+@");

	private static final String MASK = "******";

	private Redaction() {
	}

	/**
	 * Masks the user-info of every URL in the text.
	 * @param text the text, may be {@code null}
	 * @return the text with {@code scheme://******@} in place of {@code scheme://user:password@}
	 */
	public static String redact(String text) {
		if (text == null || text.isEmpty()) {
			return text;
		}
		return URL_USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
	}

	/**
	 * Masks URL user-info and each of the given secret values in the text.
	 * @param text the text, may be {@code null}
	 * @param secrets secret values (blank ones are ignored)
	 * @return the redacted text
	 */
	public static String redact(String text, List<String> secrets) {
		String redacted = redact(text);
		if (redacted == null) {
			return null;
		}
		for (String secret : secrets) {
			if (secret != null && secret.length() >= 3) {
				redacted = redacted.replace(secret, MASK);
			}
		}
		return redacted;
	}

	/**
	 * Masks the user-info of each server URL.
	 * @param servers the server URLs
	 * @return the redacted URLs
	 */
	public static List<String> redactServers(List<String> servers) {
		return servers.stream().map(Redaction::redact).toList();
	}

}
