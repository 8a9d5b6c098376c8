package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.function.LongFunction;

import io.nats.client.Message;
import io.nats.client.impl.AckType;

/**
 * One delivery of a message to a durable listener, from its receipt until it is settled (at most once). It is the
 * {@link Acknowledgment} of manual mode, and what the container and the in-progress signals use in auto mode: an
 * in-progress signal is never sent after the message was settled, and a second settlement is ignored.
 */
final class Delivery implements Acknowledgment {

	/** How a delivery was settled. */
	enum Settlement {

		ACKED, NAKED, TERMINATED

	}

	private final Message message;

	private final BeforeAck beforeAck;

	private final LongFunction<Duration> nakDelays;

	private final long receivedNanos = System.nanoTime();

	private volatile JetStreamMetadata metadata;

	/** When a worker began to handle it, 0 while it waits in the client. */
	private volatile long handlingSinceNanos;

	private volatile long lastSignalNanos = this.receivedNanos;

	/** Set once the listener stopped keeping it in progress (max-in-progress passed). */
	private volatile boolean abandoned;

	private volatile Settlement settlement;

	/**
	 * A delivery received just now.
	 * @param message the message
	 * @param beforeAck runs before the ack is sent
	 * @param nakDelays the listener's nak delay by delivery count
	 */
	Delivery(Message message, BeforeAck beforeAck, LongFunction<Duration> nakDelays) {
		this.message = message;
		this.beforeAck = beforeAck;
		this.nakDelays = nakDelays;
	}

	Message message() {
		return this.message;
	}

	/**
	 * The JetStream metadata, read on first use (off the thread that receives messages).
	 * @return the metadata
	 */
	JetStreamMetadata metadata() {
		JetStreamMetadata current = this.metadata;
		if (current == null) {
			current = JetStreamMetadata.of(this.message);
			this.metadata = current;
		}
		return current;
	}

	long receivedNanos() {
		return this.receivedNanos;
	}

	long lastSignalNanos() {
		return this.lastSignalNanos;
	}

	void handlingStarted() {
		this.handlingSinceNanos = System.nanoTime();
	}

	boolean isHandling() {
		return this.handlingSinceNanos != 0;
	}

	/**
	 * Marks the delivery as no longer kept in progress.
	 * @return {@code true} the first time
	 */
	synchronized boolean abandon() {
		if (this.abandoned) {
			return false;
		}
		this.abandoned = true;
		return true;
	}

	boolean isAbandoned() {
		return this.abandoned;
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
		nak(this.nakDelays.apply(metadata().deliveredCount()));
	}

	@Override
	public void nak(Duration delay) {
		settle(Settlement.NAKED, (delay != null) ? delay : Duration.ZERO);
	}

	@Override
	public void term() {
		settle(Settlement.TERMINATED, null);
	}

	/**
	 * Settles unless settled.
	 * @return {@code true} if this call settled it
	 */
	private synchronized boolean settle(Settlement how, Duration delay) {
		if (this.settlement != null) {
			return false;
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
		return true;
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
	 * @return {@code true} if this call nak'ed it
	 */
	boolean nakQuietly(Duration delay) {
		try {
			return settle(Settlement.NAKED, delay);
		}
		catch (RuntimeException ex) {
			// redelivered after the ack wait instead
			return false;
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
