package io.github.natsspring.kv.watch;

/**
 * Metadata keys a {@link io.github.natsspring.annotation.KvWatch @KvWatch} method can ask for with
 * {@code @Header}, for example {@code @Header(KvHeaders.KEY) String key}.
 */
public final class KvHeaders {

	/** The entry's key ({@code String}). */
	public static final String KEY = "nats_kvKey";

	/** The entry's revision ({@code long}): the sequence of the change in the bucket's stream. */
	public static final String REVISION = "nats_kvRevision";

	/** What happened to the key ({@link io.nats.client.api.KeyValueOperation}: PUT, DELETE, PURGE). */
	public static final String OPERATION = "nats_kvOperation";

	/** The bucket's name ({@code String}). */
	public static final String BUCKET = "nats_kvBucket";

	/** When the revision was written ({@link java.time.ZonedDateTime}). */
	public static final String CREATED = "nats_kvCreated";

	/**
	 * How many more matching entries the server had pending when this one was sent ({@code long}); 0 for the last
	 * one known at that moment.
	 */
	public static final String DELTA = "nats_kvDelta";

	/**
	 * Whether the entry belongs to the initial values ({@code boolean}): {@code true} until the watcher has
	 * delivered the current values, {@code false} for every change after that.
	 */
	public static final String INITIAL = "nats_kvInitial";

	/** The {@link io.nats.client.api.KeyValueEntry} itself. */
	public static final String ENTRY = "nats_kvEntry";

	private KvHeaders() {
	}

}
