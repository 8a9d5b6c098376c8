package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The deliveries a durable listener holds and has not settled yet — waiting in the client for a worker, or being
 * handled — and the in-progress signals that keep the server from redelivering them meanwhile: each gets a
 * {@code +WPI} once a third of the ack wait passed since its last one. Not forever: a delivery held for longer than
 * max-in-progress since its receipt (a hung handler, an asynchronous result that never comes) gets no more signals,
 * and the server delivers it again after the ack wait.
 */
final class UnsettledDeliveries {

	private final Set<Delivery> deliveries = ConcurrentHashMap.newKeySet();

	void add(Delivery delivery) {
		this.deliveries.add(delivery);
	}

	void remove(Delivery delivery) {
		this.deliveries.remove(delivery);
	}

	/**
	 * All held deliveries, waiting or being handled.
	 * @return how many
	 */
	int size() {
		return this.deliveries.size();
	}

	/**
	 * The deliveries being handled.
	 * @return how many
	 */
	int handling() {
		int count = 0;
		for (Delivery delivery : this.deliveries) {
			if (delivery.isHandling()) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Whether a handler is still at work within max-in-progress: then the listener is busy, not stalled.
	 * @return {@code true} if a delivery being handled is still kept in progress
	 */
	boolean isProgressing() {
		for (Delivery delivery : this.deliveries) {
			if (delivery.isHandling() && !delivery.isAbandoned() && !delivery.isSettled()) {
				return true;
			}
		}
		return false;
	}

	Iterable<Delivery> all() {
		return this.deliveries;
	}

	/**
	 * Sends in-progress for every delivery whose last signal is a third of the ack wait old, and abandons those held
	 * for longer than max-in-progress.
	 * @param ackWait the consumer's ack wait
	 * @param maxInProgress how long a delivery is kept in progress at most, from its receipt
	 * @param onAbandoned told once about each delivery abandoned
	 */
	void signalInProgress(Duration ackWait, Duration maxInProgress, Consumer<Delivery> onAbandoned) {
		if (this.deliveries.isEmpty()) {
			return;
		}
		long threshold = ackWait.toNanos() / 3;
		long limit = maxInProgress.toNanos();
		long now = System.nanoTime();
		for (Delivery delivery : this.deliveries) {
			if (delivery.isAbandoned() || delivery.isSettled()) {
				continue;
			}
			if (now - delivery.receivedNanos() >= limit) {
				if (delivery.abandon()) {
					onAbandoned.accept(delivery);
				}
				continue;
			}
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
