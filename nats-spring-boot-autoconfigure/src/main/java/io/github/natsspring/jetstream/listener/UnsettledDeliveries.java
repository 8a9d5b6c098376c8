package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deliveries a durable listener works on and has not settled yet, and the in-progress signals that keep the
 * server from redelivering them: each gets a {@code +WPI} once a third of the ack wait passed since its last one.
 */
final class UnsettledDeliveries {

	private final Set<Delivery> deliveries = ConcurrentHashMap.newKeySet();

	void add(Delivery delivery) {
		this.deliveries.add(delivery);
	}

	void remove(Delivery delivery) {
		this.deliveries.remove(delivery);
	}

	int size() {
		return this.deliveries.size();
	}

	Iterable<Delivery> all() {
		return this.deliveries;
	}

	/**
	 * Sends in-progress for every delivery whose last signal is a third of the ack wait old.
	 * @param ackWait the consumer's ack wait
	 */
	void signalInProgress(Duration ackWait) {
		if (this.deliveries.isEmpty()) {
			return;
		}
		long threshold = ackWait.toNanos() / 3;
		long now = System.nanoTime();
		for (Delivery delivery : this.deliveries) {
			if (now - delivery.lastSignalNanos() >= threshold) {
				try {
					delivery.inProgress();
				}
				catch (RuntimeException ex) {
					// disconnected: the ack wait decides
				}
			}
		}
	}

}
