package io.github.natsspring.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.natsspring.listener.ListenerContainer;

/**
 * The {@code listeners} section: every listener and watcher with what its container reports (subject, stream and
 * consumer, or bucket; running, counts, pending) and, for durable JetStream consumers, the server's view of the
 * consumer.
 */
final class ListenersView {

	private ListenersView() {
	}

	/**
	 * The durable consumer a container reads, as {@code stream/consumer}.
	 * @return the consumer, {@code null} for other listeners (ordered consumers have no durable name)
	 */
	static String consumerOf(Map<String, Object> details) {
		Object stream = details.get("stream");
		Object consumer = details.get("consumer");
		return (stream != null && consumer != null) ? stream + "/" + consumer : null;
	}

	static List<Map<String, Object>> describe(Iterable<ListenerContainer> containers,
			Map<String, Map<String, Object>> consumers) {
		List<Map<String, Object>> listeners = new ArrayList<>();
		for (ListenerContainer container : containers) {
			Map<String, Object> details = container.describe();
			Map<String, Object> listener = new LinkedHashMap<>();
			listener.put("id", container.getId());
			listener.put("kind", container.getKind());
			listener.putAll(details);
			addTotals(listener);
			String consumer = consumerOf(details);
			if (consumer != null && consumers.containsKey(consumer)) {
				listener.put("server", consumers.get(consumer));
			}
			listeners.add(listener);
		}
		return listeners;
	}

	/**
	 * Every kind says {@code handled} and {@code failed}: a watcher counts deliveries, a durable consumer counts
	 * acks, and every failed JetStream invocation ends retried, dead-lettered or terminated.
	 */
	private static void addTotals(Map<String, Object> listener) {
		if (!listener.containsKey("handled")) {
			Object handled = (listener.get("acked") != null) ? listener.get("acked") : listener.get("delivered");
			if (handled != null) {
				listener.put("handled", handled);
			}
		}
		if (!listener.containsKey("failed") && listener.containsKey("retried")) {
			listener.put("failed", number(listener, "retried") + number(listener, "deadLettered")
					+ number(listener, "terminated"));
		}
	}

	private static long number(Map<String, Object> listener, String key) {
		return (listener.get(key) instanceof Number number) ? number.longValue() : 0;
	}

}
