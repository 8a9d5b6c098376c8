package io.github.natsspring.connection;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that goes to logs, events and health details: the user-info part of server URLs
 * ({@code nats://user:secret@host}). Passwords, tokens and seeds themselves are never put into such text.
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
	 * A copy of an exception chain whose messages have URL user-info masked, keeping class names (in the message)
	 * and stack traces, for exceptions that are logged or kept as a cause.
	 * @param failure the exception
	 * @return the redacted copy, or {@code null} for {@code null}
	 */
	public static Throwable redact(Throwable failure) {
		if (failure == null) {
			return null;
		}
		RedactedException copy = new RedactedException(
				failure.getClass().getName() + ((failure.getMessage() != null) ? ": " + redact(failure.getMessage()) : ""),
				(failure.getCause() != failure) ? redact(failure.getCause()) : null);
		copy.setStackTrace(failure.getStackTrace());
		return copy;
	}

	/**
	 * An exception standing in for another whose message held a secret.
	 */
	public static final class RedactedException extends Exception {

		private RedactedException(String message, Throwable cause) {
			super(message, cause);
		}

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
