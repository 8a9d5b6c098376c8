package io.github.natsspring.kv.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.nats.client.support.Validator;

/**
 * What a KV watcher watches and how: the bucket, the key patterns and the watch options.
 *
 * @param bucket the bucket
 * @param keys the keys or patterns, never empty ({@code [">"]} for the whole bucket)
 * @param includeHistory whether to start with every stored revision
 * @param updatesOnly whether to skip the current values
 * @param ignoreDeletes whether to leave out deletes and purges
 * @param metaOnly whether to fetch metadata only
 */
public record KvWatchSpec(String bucket, List<String> keys, boolean includeHistory, boolean updatesOnly,
		boolean ignoreDeletes, boolean metaOnly) {

	/** The pattern that matches every key of a bucket. */
	public static final String ALL_KEYS = ">";

	private static final Pattern TOKEN = Pattern.compile("[-/_=a-zA-Z0-9]+");

	public KvWatchSpec {
		keys = List.copyOf(keys);
	}

	/**
	 * Checks and normalises a watch: a valid bucket name, valid key patterns (none means the whole bucket) and
	 * options that go together.
	 * @param bucket the bucket
	 * @param keys the keys or patterns; elements may hold comma-separated lists
	 * @param includeHistory whether to start with every stored revision
	 * @param updatesOnly whether to skip the current values
	 * @param ignoreDeletes whether to leave out deletes and purges
	 * @param metaOnly whether to fetch metadata only
	 * @return the spec
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public static KvWatchSpec of(String bucket, List<String> keys, boolean includeHistory, boolean updatesOnly,
			boolean ignoreDeletes, boolean metaOnly) {
		if (bucket == null || bucket.isBlank()) {
			throw new IllegalArgumentException("the bucket is empty");
		}
		String name = bucket.trim();
		try {
			Validator.validateBucketName(name, true);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("invalid bucket name '" + name
					+ "': only letters, digits, '-' and '_' are allowed", ex);
		}
		List<String> patterns = new ArrayList<>();
		for (String element : keys) {
			if (element == null) {
				continue;
			}
			for (String key : element.split(",")) {
				String trimmed = key.trim();
				if (trimmed.isEmpty()) {
					continue;
				}
				if (!isValidPattern(trimmed)) {
					throw new IllegalArgumentException("invalid key '" + trimmed + "': keys are tokens of letters, "
							+ "digits and '-', '_', '/', '=' separated by '.', with the wildcards '*' (one whole "
							+ "token) and '>' (the whole last token)");
				}
				if (!patterns.contains(trimmed)) {
					patterns.add(trimmed);
				}
			}
		}
		if (patterns.isEmpty() || patterns.contains(ALL_KEYS)) {
			patterns = List.of(ALL_KEYS);
		}
		if (includeHistory && updatesOnly) {
			throw new IllegalArgumentException("includeHistory and updatesOnly cannot both be set");
		}
		return new KvWatchSpec(name, patterns, includeHistory, updatesOnly, ignoreDeletes, metaOnly);
	}

	private static boolean isValidPattern(String key) {
		String[] tokens = key.split("\\.", -1);
		for (int i = 0; i < tokens.length; i++) {
			String token = tokens[i];
			if (token.equals("*") || (token.equals(">") && i == tokens.length - 1)) {
				continue;
			}
			if (!TOKEN.matcher(token).matches()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the watch covers the whole bucket.
	 * @return {@code true} for {@code >}
	 */
	public boolean isWholeBucket() {
		return this.keys.size() == 1 && ALL_KEYS.equals(this.keys.get(0));
	}

	/**
	 * The options that are set, for logs and health.
	 * @return the option names
	 */
	public List<String> options() {
		List<String> options = new ArrayList<>();
		if (this.includeHistory) {
			options.add("includeHistory");
		}
		if (this.updatesOnly) {
			options.add("updatesOnly");
		}
		if (this.ignoreDeletes) {
			options.add("ignoreDeletes");
		}
		if (this.metaOnly) {
			options.add("metaOnly");
		}
		return options;
	}

	@Override
	public String toString() {
		return "bucket=" + this.bucket + ", keys=" + this.keys
				+ (options().isEmpty() ? "" : ", " + String.join(", ", options()));
	}

}
