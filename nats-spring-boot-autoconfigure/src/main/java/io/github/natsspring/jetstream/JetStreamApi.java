package io.github.natsspring.jetstream;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValueOptions;
import io.nats.client.ObjectStoreOptions;

/**
 * Which JetStream the application's JetStream API requests go to: the one of the account on the connected server
 * (the default), the one of another JetStream domain (an application on a leaf node reaching the hub's JetStream
 * with {@code nats.jetstream.domain=hub}), or one behind an API prefix an account imports
 * ({@code nats.jetstream.api-prefix}). The reconciler, the JetStream listeners, KV watchers and the key-value and
 * object store beans all build their jnats options here, so they all talk to the same JetStream.
 * <p>
 * Publishing is not affected: a publish goes to a subject, and whichever stream captures it (in any domain the
 * subject reaches) stores it and answers.
 */
public final class JetStreamApi {

	private static final JetStreamApi CONNECTED = new JetStreamApi(null, null);

	private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9_-]+");

	private final String domain;

	private final String apiPrefix;

	private JetStreamApi(String domain, String apiPrefix) {
		this.domain = domain;
		this.apiPrefix = apiPrefix;
	}

	/** The JetStream of the account on the connected server. */
	public static JetStreamApi connected() {
		return CONNECTED;
	}

	/**
	 * The JetStream of a domain, reached as {@code $JS.<domain>.API}.
	 * @param domain the domain name (letters, digits, '-' and '_')
	 * @return the API
	 * @throws IllegalArgumentException if the name is not a valid domain name
	 */
	public static JetStreamApi domain(String domain) {
		return of(domain, null);
	}

	/**
	 * The domain or API prefix given, or the connected account's JetStream when both are empty.
	 * @param domain the domain, may be {@code null}
	 * @param apiPrefix an API prefix the account imports, for example {@code $JS.hub.API} or {@code partner.API},
	 * may be {@code null}
	 * @return the API
	 * @throws IllegalArgumentException if both are set, or one is invalid
	 */
	public static JetStreamApi of(String domain, String apiPrefix) {
		String cleanDomain = blankToNull(domain);
		String cleanPrefix = blankToNull(apiPrefix);
		if (cleanDomain != null && cleanPrefix != null) {
			throw new IllegalArgumentException("set either a JetStream domain or an API prefix, not both (a domain '"
					+ cleanDomain + "' is the API prefix $JS." + cleanDomain + ".API)");
		}
		if (cleanDomain != null && !DOMAIN.matcher(cleanDomain).matches()) {
			throw new IllegalArgumentException("'" + cleanDomain + "' is not a JetStream domain name (letters, digits, "
					+ "'-' and '_' only)");
		}
		if (cleanPrefix != null && (cleanPrefix.contains("*") || cleanPrefix.contains(">")
				|| cleanPrefix.contains(" ") || cleanPrefix.startsWith("."))) {
			throw new IllegalArgumentException("'" + cleanPrefix + "' is not a subject prefix (no wildcards or spaces)");
		}
		return (cleanDomain == null && cleanPrefix == null) ? CONNECTED : new JetStreamApi(cleanDomain, cleanPrefix);
	}

	/**
	 * The API of a declaration that names its own domain, or this one when it names none.
	 * @param domain the declaration's domain, may be {@code null}
	 * @return the API
	 */
	public JetStreamApi forDomain(String domain) {
		String clean = blankToNull(domain);
		return (clean == null || clean.equals(this.domain)) ? this : domain(clean);
	}

	/** The domain, or {@code null}. */
	public String getDomain() {
		return this.domain;
	}

	/** The API prefix, or {@code null}. */
	public String getApiPrefix() {
		return this.apiPrefix;
	}

	/** Whether requests go to the connected account's own JetStream. */
	public boolean isConnected() {
		return this.domain == null && this.apiPrefix == null;
	}

	/**
	 * jnats options for a JetStream context or management API.
	 * @param requestTimeout the timeout of each request, {@code null} for jnats' default
	 * @return the options
	 */
	public JetStreamOptions options(Duration requestTimeout) {
		JetStreamOptions.Builder builder = JetStreamOptions.builder();
		if (this.domain != null) {
			builder.domain(this.domain);
		}
		else if (this.apiPrefix != null) {
			builder.prefix(this.apiPrefix);
		}
		if (requestTimeout != null) {
			builder.requestTimeout(requestTimeout);
		}
		return builder.build();
	}

	/** jnats options to open or manage key-value buckets. */
	public KeyValueOptions keyValueOptions(Duration requestTimeout) {
		return KeyValueOptions.builder().jetStreamOptions(options(requestTimeout)).build();
	}

	/** jnats options to open or manage object store buckets. */
	public ObjectStoreOptions objectStoreOptions(Duration requestTimeout) {
		return ObjectStoreOptions.builder().jetStreamOptions(options(requestTimeout)).build();
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof JetStreamApi that && Objects.equals(this.domain, that.domain)
				&& Objects.equals(this.apiPrefix, that.apiPrefix));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.domain, this.apiPrefix);
	}

	@Override
	public String toString() {
		if (this.domain != null) {
			return "JetStream domain '" + this.domain + "'";
		}
		return (this.apiPrefix != null) ? "JetStream API prefix '" + this.apiPrefix + "'"
				: "the connected account's JetStream";
	}

}
