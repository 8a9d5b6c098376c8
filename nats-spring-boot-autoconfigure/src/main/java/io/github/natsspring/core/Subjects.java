package io.github.natsspring.core;

/**
 * Checks subjects before anything is sent, so a typo fails with a clear message instead of a message that goes
 * nowhere.
 */
public final class Subjects {

	private Subjects() {
	}

	/**
	 * Checks a subject to publish to: no wildcards, no empty tokens, no whitespace.
	 * @param subject the subject
	 * @throws NatsInvalidSubjectException if it cannot be published to
	 */
	public static void validatePublishSubject(String subject) {
		validate(subject, false);
	}

	/**
	 * Checks a subject to subscribe to: {@code *} may stand for a whole token, {@code >} for the last one.
	 * @param subject the subject or pattern
	 * @throws NatsInvalidSubjectException if it is not a valid pattern
	 */
	public static void validateSubscribeSubject(String subject) {
		validate(subject, true);
	}

	/**
	 * Whether the subject holds a wildcard token.
	 * @param subject the subject
	 * @return {@code true} for patterns such as {@code orders.*} or {@code orders.>}
	 */
	public static boolean hasWildcard(String subject) {
		for (String token : subject.split("\\.", -1)) {
			if (token.equals("*") || token.equals(">")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a subject pattern matches a subject (or another pattern's every subject when both are patterns and
	 * they overlap).
	 * @param pattern a subject or pattern
	 * @param subject a subject or pattern
	 * @return {@code true} when some subject matches both
	 */
	public static boolean overlap(String pattern, String subject) {
		String[] a = pattern.split("\\.", -1);
		String[] b = subject.split("\\.", -1);
		int i = 0;
		for (; i < a.length && i < b.length; i++) {
			if (a[i].equals(">") || b[i].equals(">")) {
				return true;
			}
			if (!a[i].equals("*") && !b[i].equals("*") && !a[i].equals(b[i])) {
				return false;
			}
		}
		return a.length == b.length;
	}

	private static void validate(String subject, boolean wildcardsAllowed) {
		if (subject == null || subject.isEmpty()) {
			throw new NatsInvalidSubjectException(String.valueOf(subject), "a subject must not be empty");
		}
		// one pass over the characters, no allocation: this runs for every message sent
		int length = subject.length();
		int tokenStart = 0;
		for (int i = 0; i <= length; i++) {
			char c = (i < length) ? subject.charAt(i) : '.';
			if (c == '.') {
				checkToken(subject, tokenStart, i, i == length, wildcardsAllowed);
				tokenStart = i + 1;
			}
			else if (Character.isWhitespace(c) || Character.isISOControl(c)) {
				throw new NatsInvalidSubjectException(subject, "whitespace and control characters are not allowed");
			}
		}
	}

	private static void checkToken(String subject, int start, int end, boolean last, boolean wildcardsAllowed) {
		int length = end - start;
		if (length == 0) {
			throw new NatsInvalidSubjectException(subject, "empty token (a leading, trailing or double '.')");
		}
		char first = subject.charAt(start);
		boolean wildcard = length == 1 && (first == '*' || first == '>');
		if (wildcard) {
			if (!wildcardsAllowed) {
				throw new NatsInvalidSubjectException(subject,
						"wildcards ('*', '>') match subjects when subscribing; a message needs a concrete subject");
			}
			if (first == '>' && !last) {
				throw new NatsInvalidSubjectException(subject, "'>' must be the last token");
			}
		}
		else if (wildcardsAllowed && subject.substring(start, end).contains(">")) {
			throw new NatsInvalidSubjectException(subject, "'>' must be a whole token");
		}
	}

}
