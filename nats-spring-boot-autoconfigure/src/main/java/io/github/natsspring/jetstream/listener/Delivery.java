package io.github.natsspring.jetstream.listener;

import java.time.Duration;

import io.nats.client.Message;
import io.nats.client.impl.AckType;

/**
 * One delivery of a message to a durable listener, settled at most once. It is the {@link Acknowledgment} of manual
 * mode, and what the container and the in-progress signal use in auto mode: an in-progress signal is never sent
 * after the message was settled, and a second settlement is ignored.
 */
final class Delivery implements Acknowledgment {

	/** How a delivery was settled. */
	enum Settlement {

		ACKED, NAKED, TERMINATED

	}

	private final Message message;

	private final BeforeAck beforeAck;

	private final Duration defaultNakDelay;

	private volatile long lastSignalNanos = System.nanoTime();

	private volatile Settlement settlement;

	Delivery(Message message, BeforeAck beforeAck, Duration defaultNakDelay) {
		this.message = message;
		this.beforeAck = beforeAck;
		this.defaultNakDelay = defaultNakDelay;
	}

	Message message() {
		return this.message;
	}

	long lastSignalNanos() {
		return this.lastSignalNanos;
	}

	@Override
	public void ack() {
		if (isSettled()) {
			return;
		}
		this.beforeAck.beforeAck(this.message);
		settle(Settlement.ACKED, null);
	}

	@Override
	public void nak() {
		nak(this.defaultNakDelay);
	}

	@Override
	public void nak(Duration delay) {
		settle(Settlement.NAKED, (delay != null) ? delay : Duration.ZERO);
	}

	@Override
	public void term() {
		settle(Settlement.TERMINATED, null);
	}

	private synchronized void settle(Settlement how, Duration delay) {
		if (this.settlement != null) {
			return;
		}
		switch (how) {
			case ACKED -> this.message.ack();
			case NAKED -> {
				if (delay.isZero() || delay.isNegative()) {
					this.message.nak();
				}
				else {
					this.message.nakWithDelay(delay);
				}
			}
			case TERMINATED -> this.message.term();
		}
		this.settlement = how;
	}

	@Override
	public synchronized void inProgress() {
		if (this.settlement == null) {
			this.message.inProgress();
			this.lastSignalNanos = System.nanoTime();
		}
	}

	@Override
	public boolean isSettled() {
		return settlement() != null;
	}

	/**
	 * How the delivery was settled, also through the jnats message itself.
	 * @return the settlement or {@code null}
	 */
	Settlement settlement() {
		Settlement current = this.settlement;
		if (current != null) {
			return current;
		}
		AckType raw = this.message.lastAck();
		if (raw == AckType.AckAck) {
			return Settlement.ACKED;
		}
		if (raw == AckType.AckNak) {
			return Settlement.NAKED;
		}
		if (raw == AckType.AckTerm) {
			return Settlement.TERMINATED;
		}
		return null;
	}

	/**
	 * Settles with a nak unless settled, swallowing failures (the connection may be gone).
	 * @param delay the delay
	 */
	void nakQuietly(Duration delay) {
		try {
			nak(delay);
		}
		catch (RuntimeException ex) {
			// redelivered after the ack wait instead
		}
	}

	@Override
	public String toString() {
		return "Delivery[" + this.message.getSubject() + ", " + this.settlement + "]";
	}

	/**
	 * Runs before an ack reaches the server (the de-duplication store remembers the message).
	 */
	@FunctionalInterface
	interface BeforeAck {

		void beforeAck(Message message);

	}

}
