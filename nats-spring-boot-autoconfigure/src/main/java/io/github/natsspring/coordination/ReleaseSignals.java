package io.github.natsspring.coordination;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.coordination.CoordinationBucket.Opened;

/**
 * Wakes up whoever waits for a lease when its holder releases it, so that a waiting lock or candidate tries again at
 * once instead of at its next retry. Releases are seen on a core subscription to the bucket's subjects (every write
 * to a KV key is a message on {@code $KV.<bucket>.<key>}); a hint only, since a core subscriber also sees writes
 * the stream refused, and expiries by TTL are not published at all, which the waiters' retry interval covers.
 */
final class ReleaseSignals {

	private static final Log logger = LogFactory.getLog(ReleaseSignals.class);

	private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

	private volatile Subscribed subscribed;

	/**
	 * Calls back when the key is released, until the returned handle is closed. Callbacks run on the subscription's
	 * thread and must return quickly.
	 * @param opened the bucket, on the current connection
	 * @param key the key
	 * @param callback what to run
	 * @return closes the registration
	 */
	AutoCloseable onRelease(Opened opened, String key, Runnable callback) {
		subscribe(opened);
		this.listeners.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(callback);
		return () -> this.listeners.computeIfPresent(key, (k, callbacks) -> {
			callbacks.remove(callback);
			return callbacks.isEmpty() ? null : callbacks;
		});
	}

	/**
	 * Signals a release seen or made by this instance.
	 * @param key the key
	 */
	void released(String key) {
		List<Runnable> callbacks = this.listeners.get(key);
		if (callbacks == null) {
			return;
		}
		for (Runnable callback : callbacks) {
			try {
				callback.run();
			}
			catch (RuntimeException ex) {
				logger.warn("A release callback for " + key + " failed", ex);
			}
		}
	}

	private void subscribe(Opened opened) {
		Subscribed current = this.subscribed;
		if (current != null && current.connection() == opened.connection()) {
			return;
		}
		synchronized (this) {
			current = this.subscribed;
			if (current != null && current.connection() == opened.connection()) {
				return;
			}
			if (current != null) {
				close(current);
			}
			String prefix = opened.subjectPrefix();
			Dispatcher dispatcher = opened.connection().createDispatcher((message) -> onMessage(prefix, message));
			dispatcher.subscribe(prefix + ">");
			this.subscribed = new Subscribed(opened.connection(), dispatcher);
		}
	}

	private void onMessage(String prefix, Message message) {
		if (!message.hasHeaders() || !message.getSubject().startsWith(prefix)) {
			return;
		}
		String operation = message.getHeaders().getFirst("KV-Operation");
		if ("PURGE".equals(operation) || "DEL".equals(operation)) {
			released(message.getSubject().substring(prefix.length()));
		}
	}

	/** Ends the subscription. */
	synchronized void close() {
		Subscribed current = this.subscribed;
		this.subscribed = null;
		if (current != null) {
			close(current);
		}
	}

	private static void close(Subscribed subscribed) {
		try {
			subscribed.connection().closeDispatcher(subscribed.dispatcher());
		}
		catch (RuntimeException ex) {
			// the connection is closed already
		}
	}

	private record Subscribed(Connection connection, Dispatcher dispatcher) {
	}

}
