package io.github.natsspring.kv.watch;

import java.util.List;

import org.springframework.context.ApplicationEvent;

/**
 * A KV watcher ({@link io.github.natsspring.annotation.KvWatch @KvWatch} method or {@link KvView}) has delivered
 * the current values of its keys and now follows changes. Published once per start of the watcher, after the
 * last initial entry was handled (at once for {@code updatesOnly} watchers and for keys without values), on the
 * thread that delivered it. Not published again when the watch resumes after a reconnect.
 *
 * <pre>{@code
 * @EventListener(condition = "#event.id == 'flags'")
 * void flagsLoaded(KvWatchReadyEvent event) { ... }
 * }</pre>
 */
public class KvWatchReadyEvent extends ApplicationEvent {

	private final String id;

	private final String bucket;

	private final List<String> keys;

	private final long revision;

	private final long initialCount;

	public KvWatchReadyEvent(Object source, String id, String bucket, List<String> keys, long revision,
			long initialCount) {
		super(source);
		this.id = id;
		this.bucket = bucket;
		this.keys = List.copyOf(keys);
		this.revision = revision;
		this.initialCount = initialCount;
	}

	/**
	 * The watcher's id ({@code beanName.methodName} by default, the bean name for a {@link KvView}).
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	public String getBucket() {
		return this.bucket;
	}

	/**
	 * The watched keys or patterns; {@code [">"]} for the whole bucket.
	 * @return the keys
	 */
	public List<String> getKeys() {
		return this.keys;
	}

	/**
	 * The revision of the last initial entry, 0 if there was none.
	 * @return the revision
	 */
	public long getRevision() {
		return this.revision;
	}

	/**
	 * How many entries were delivered as initial values.
	 * @return the count
	 */
	public long getInitialCount() {
		return this.initialCount;
	}

	@Override
	public String toString() {
		return "KvWatchReadyEvent[id=" + this.id + ", bucket=" + this.bucket + ", keys=" + this.keys + ", revision="
				+ this.revision + ", initialCount=" + this.initialCount + "]";
	}

}
