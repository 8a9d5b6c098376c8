package io.github.natsspring.kv.watch;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;

import io.github.natsspring.core.NatsMessageConverter;

/**
 * A typed, always-current, read-only view of a KV bucket or of the keys under a prefix, for feature flags and
 * configuration. Declare it as a bean; a watcher started with the other listeners keeps it current, and every
 * read is a local map lookup.
 *
 * <pre>{@code
 * @Bean
 * KvView<FeatureFlag> featureFlags() {
 *     return KvView.builder("FLAGS", FeatureFlag.class).prefix("flags.").build();
 * }
 *
 * // elsewhere
 * if (featureFlags.find("dark-mode").map(FeatureFlag::enabled).orElse(false)) { ... }
 * }</pre>
 *
 * Values are read with the {@code NatsMessageConverter} ({@code String}, {@code byte[]} or JSON to the type). A
 * deleted or purged key disappears from the view; so does a key whose value cannot be converted (with a warning).
 * When the bucket is created again (a memory bucket after a server restart), the view loads the new bucket's values
 * and then drops the keys it no longer has.
 * The bucket, keys and prefix accept {@code ${...}} placeholders. Once the initial values are loaded
 * {@link #isReady()} turns true and a {@link KvWatchReadyEvent} with the bean name as id is published; starting
 * waits for that up to {@link Builder#awaitInitialValues(Duration)} (5 seconds by default).
 *
 * @param <T> the value type
 */
public final class KvView<T> {

	private static final Log logger = LogFactory.getLog(KvView.class);

	private final String bucket;

	private final List<String> keys;

	private final String prefix;

	private final ResolvableType type;

	private final String id;

	private final Duration awaitInitialValues;

	private final Map<String, T> values = new ConcurrentHashMap<>();

	private final AtomicLong conversionFailures = new AtomicLong();

	private volatile NatsMessageConverter converter;

	private volatile String resolvedBucket;

	private volatile String resolvedPrefix;

	private volatile long revision;

	private volatile boolean ready;

	private volatile CountDownLatch readyLatch = new CountDownLatch(1);

	private KvView(Builder<T> builder) {
		this.bucket = builder.bucket;
		this.keys = List.copyOf(builder.keys);
		this.prefix = builder.prefix;
		this.type = builder.type;
		this.id = builder.id;
		this.awaitInitialValues = builder.awaitInitialValues;
		this.resolvedBucket = builder.bucket;
	}

	/**
	 * A view of a whole bucket.
	 * @param bucket the bucket
	 * @param type the value type
	 * @param <T> the value type
	 * @return the view
	 */
	public static <T> KvView<T> of(String bucket, Class<T> type) {
		return builder(bucket, type).build();
	}

	/**
	 * Starts building a view.
	 * @param bucket the bucket
	 * @param type the value type
	 * @param <T> the value type
	 * @return the builder
	 */
	public static <T> Builder<T> builder(String bucket, Class<T> type) {
		Assert.notNull(type, "type must not be null");
		return new Builder<>(bucket, ResolvableType.forClass(type));
	}

	/**
	 * Starts building a view of a generic value type, such as {@code new ParameterizedTypeReference<List<String>>() {}}.
	 * @param bucket the bucket
	 * @param type the value type
	 * @param <T> the value type
	 * @return the builder
	 */
	public static <T> Builder<T> builder(String bucket, ParameterizedTypeReference<T> type) {
		Assert.notNull(type, "type must not be null");
		return new Builder<>(bucket, ResolvableType.forType(type));
	}

	// --- reading -------------------------------------------------------------------------------------------------

	/**
	 * The current value of a key (relative to the prefix, if the view has one).
	 * @param key the key
	 * @return the value or {@code null} if the key has none
	 */
	public T get(String key) {
		return this.values.get(key);
	}

	/**
	 * The current value of a key (relative to the prefix, if the view has one).
	 * @param key the key
	 * @return the value, empty if the key has none
	 */
	public Optional<T> find(String key) {
		return Optional.ofNullable(this.values.get(key));
	}

	/**
	 * The current value of a key, or a default.
	 * @param key the key
	 * @param defaultValue returned when the key has no value
	 * @return the value or the default
	 */
	public T getOrDefault(String key, T defaultValue) {
		return this.values.getOrDefault(key, defaultValue);
	}

	/**
	 * Whether a key has a value.
	 * @param key the key
	 * @return {@code true} if it has one
	 */
	public boolean containsKey(String key) {
		return this.values.containsKey(key);
	}

	/**
	 * A snapshot of all keys and values, sorted by key; later changes do not show in it.
	 * @return an unmodifiable map
	 */
	public Map<String, T> asMap() {
		return Collections.unmodifiableMap(new TreeMap<>(this.values));
	}

	/**
	 * The keys that have a value now, sorted.
	 * @return an unmodifiable set
	 */
	public Set<String> keys() {
		return Collections.unmodifiableSet(new TreeSet<>(this.values.keySet()));
	}

	/**
	 * How many keys have a value.
	 * @return the size
	 */
	public int size() {
		return this.values.size();
	}

	/**
	 * The revision of the last change the view applied.
	 * @return the revision, 0 before the first
	 */
	public long getRevision() {
		return this.revision;
	}

	/**
	 * Whether the view holds the bucket's values as they were when its watcher started, and follows changes.
	 * @return {@code true} once the initial values are loaded
	 */
	public boolean isReady() {
		return this.ready;
	}

	/**
	 * Waits until the initial values are loaded.
	 * @param timeout how long to wait
	 * @return whether the view is ready
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitReady(Duration timeout) throws InterruptedException {
		return this.readyLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * The bucket (placeholders resolved once the view is bound to its watcher).
	 * @return the bucket
	 */
	public String getBucket() {
		return this.resolvedBucket;
	}

	// --- wiring --------------------------------------------------------------------------------------------------

	String getDeclaredBucket() {
		return this.bucket;
	}

	List<String> getDeclaredKeys() {
		return this.keys;
	}

	String getDeclaredPrefix() {
		return this.prefix;
	}

	String getId() {
		return this.id;
	}

	Duration getAwaitInitialValues() {
		return this.awaitInitialValues;
	}

	/**
	 * Connects the view to its watcher's configuration.
	 * @param bucket the resolved bucket
	 * @param prefix the resolved prefix, {@code null} for none
	 * @param converter reads the values
	 * @return the handler to register with the watcher
	 */
	KvEntryHandler bind(String bucket, String prefix, NatsMessageConverter converter) {
		this.resolvedBucket = bucket;
		this.resolvedPrefix = prefix;
		this.converter = converter;
		return new Updater();
	}

	@Override
	public String toString() {
		return "KvView[bucket=" + this.resolvedBucket + ", keys=" + this.keys
				+ ((this.prefix != null) ? ", prefix=" + this.prefix : "") + ", type=" + this.type + ", size="
				+ this.values.size() + ", revision=" + this.revision + "]";
	}

	/**
	 * Applies the watcher's entries to the map.
	 */
	private final class Updater implements KvEntryHandler {

		/**
		 * Keys put during a load of the initial values; keys the view had before that load and no longer exist go
		 * away when it ends.
		 */
		private final Set<String> loaded = new java.util.HashSet<>();

		@Override
		public void onEntry(KeyValueEntry entry, boolean initial) {
			String key = entry.getKey();
			String currentPrefix = KvView.this.resolvedPrefix;
			if (currentPrefix != null) {
				if (!key.startsWith(currentPrefix)) {
					return;
				}
				key = key.substring(currentPrefix.length());
			}
			if (entry.getOperation() == KeyValueOperation.PUT) {
				T value = convert(entry);
				if (value != null) {
					KvView.this.values.put(key, value);
					if (initial) {
						this.loaded.add(key);
					}
				}
				else {
					KvView.this.values.remove(key);
				}
			}
			else {
				KvView.this.values.remove(key);
			}
			KvView.this.revision = entry.getRevision();
		}

		@SuppressWarnings("unchecked")
		private T convert(KeyValueEntry entry) {
			byte[] data = entry.getValue();
			Type target = KvView.this.type.getType();
			Class<?> raw = KvView.this.type.toClass();
			if (data == null || data.length == 0) {
				return (T) ((raw == String.class) ? "" : (raw == byte[].class) ? new byte[0] : null);
			}
			try {
				return (T) KvView.this.converter.fromPayload(data, null, target);
			}
			catch (RuntimeException ex) {
				KvView.this.conversionFailures.incrementAndGet();
				logger.warn("KvView of bucket '" + KvView.this.resolvedBucket + "' cannot read key '"
						+ entry.getKey() + "' (revision " + entry.getRevision() + ") as " + KvView.this.type
						+ "; the key is left out of the view: " + ex.getMessage());
				return null;
			}
		}

		@Override
		public void onBucketRecreated() {
			// what an interrupted load put came from the old bucket
			this.loaded.clear();
		}

		@Override
		public void onInitialValuesDone() {
			KvView.this.values.keySet().retainAll(this.loaded);
			this.loaded.clear();
			KvView.this.ready = true;
			KvView.this.readyLatch.countDown();
		}

		@Override
		public void onStop() {
			KvView.this.ready = false;
			KvView.this.readyLatch = new CountDownLatch(1);
		}

		@Override
		public Map<String, Object> describe() {
			Map<String, Object> details = new java.util.LinkedHashMap<>();
			details.put("kind", "view");
			if (KvView.this.resolvedPrefix != null) {
				details.put("prefix", KvView.this.resolvedPrefix);
			}
			details.put("type", KvView.this.type.toString());
			details.put("size", KvView.this.values.size());
			details.put("conversionFailures", KvView.this.conversionFailures.get());
			return details;
		}

	}

	/**
	 * Builds a {@link KvView}.
	 *
	 * @param <T> the value type
	 */
	public static final class Builder<T> {

		private final String bucket;

		private final ResolvableType type;

		private final List<String> keys = new ArrayList<>();

		private String prefix;

		private String id;

		private Duration awaitInitialValues = Duration.ofSeconds(5);

		private Builder(String bucket, ResolvableType type) {
			Assert.hasText(bucket, "bucket must not be empty");
			this.bucket = bucket;
			this.type = type;
		}

		/**
		 * Limits the view to these keys or patterns ({@code *} one token, {@code >} the rest), kept whole as the
		 * view's keys. Without keys or a prefix the view covers the whole bucket.
		 * @param keys the keys
		 * @return this builder
		 */
		public Builder<T> keys(String... keys) {
			this.keys.addAll(Arrays.asList(keys));
			return this;
		}

		/**
		 * Limits the view to the keys under a prefix, such as {@code flags.}, and leaves the prefix out of the
		 * view's keys: {@code flags.dark-mode} is read as {@code get("dark-mode")}. A prefix without the trailing
		 * dot gets one.
		 * @param prefix the prefix
		 * @return this builder
		 */
		public Builder<T> prefix(String prefix) {
			Assert.hasText(prefix, "prefix must not be empty");
			this.prefix = prefix;
			return this;
		}

		/**
		 * The id in logs, health and the ready event; the bean name by default.
		 * @param id the id
		 * @return this builder
		 */
		public Builder<T> id(String id) {
			this.id = id;
			return this;
		}

		/**
		 * How long starting the application waits for the initial values when NATS is reachable; zero does not
		 * wait. 5 seconds by default.
		 * @param timeout the time to wait
		 * @return this builder
		 */
		public Builder<T> awaitInitialValues(Duration timeout) {
			Assert.notNull(timeout, "timeout must not be null");
			this.awaitInitialValues = timeout;
			return this;
		}

		public KvView<T> build() {
			return new KvView<>(this);
		}

	}

}
