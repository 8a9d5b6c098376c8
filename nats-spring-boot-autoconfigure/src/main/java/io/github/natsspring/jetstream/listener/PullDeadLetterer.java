package io.github.natsspring.jetstream.listener;

import java.time.Duration;

/**
 * Gives up on a message of a durable listener: stores the dead letter, then terminates the original. If the dead
 * letter cannot be stored the original is nak'ed and comes again (the consumer is declared without a server-side
 * delivery limit); only when the server's own max-deliver is reached does the listener hold the message and retry
 * while it runs. With dead letters off the message is terminated and logged.
 */
final class PullDeadLetterer {

	private final PullConsumerContainer container;

	PullDeadLetterer(PullConsumerContainer container) {
		this.container = container;
	}

	/**
	 * Dead-letters a delivery and records the outcome.
	 * @param delivery the delivery
	 * @param cause the last attempt's failure, {@code null} when the method was not called
	 * @param reason {@code non-retryable}, {@code max-deliver} or {@code max-deliver-exceeded}
	 * @param start when handling began, for the timer
	 */
	void deadLetter(Delivery delivery, JetStreamMetadata metadata, Throwable cause, String reason, long start) {
		PullConsumerContainer c = this.container;
		String why = switch (reason) {
			case "non-retryable" -> "it cannot succeed on retry";
			case "max-deliver" -> "delivery " + metadata.deliveredCount() + " of " + c.attempts + " failed";
			default -> "it was delivered " + metadata.deliveredCount() + " times (max deliver " + c.attempts
					+ ") without completing";
		};
		DeadLetter target = c.deadLetter;
		if (target == null) {
			delivery.term();
			c.logger.error(c.what() + " gave up on " + JetStreamContainer.describe(metadata) + ": " + why
					+ "; dead letters are off, the message is terminated"
					+ ((cause != null) ? ": " + JetStreamContainer.describe(cause) : ""), cause);
			c.record(JetStreamContainer.TERMINATED, start);
			return;
		}
		DeadLetter.Source source = new DeadLetter.Source(metadata.stream(), c.endpoint.consumer(),
				metadata.streamSequence(), metadata.deliveredCount());
		while (true) {
			try {
				target.publish(c.connection, delivery.message(), source, c.endpoint.id(), cause, reason);
				delivery.term();
				c.logger.error(c.what() + " dead-lettered " + JetStreamContainer.describe(metadata) + " to '"
						+ target.getSubject() + "' because " + why
						+ ((cause != null) ? ": " + JetStreamContainer.describe(cause) : ""),
						(cause != null && !c.isPermanent(cause)) ? cause : null);
				c.record(JetStreamContainer.DEAD_LETTERED, start);
				return;
			}
			catch (Exception ex) {
				if (!retry(delivery, metadata, target, ex, start)) {
					return;
				}
			}
		}
	}

	/**
	 * After a failed store: nak the original, or, on the last delivery the server allows, wait and try again.
	 * @return whether to try again now
	 */
	private boolean retry(Delivery delivery, JetStreamMetadata metadata, DeadLetter target, Exception failure,
			long start) {
		PullConsumerContainer c = this.container;
		Duration delay = c.nakDelay(metadata.deliveredCount());
		long serverMaxDeliver = c.serverMaxDeliver();
		boolean lastServerDelivery = serverMaxDeliver > 0 && metadata.deliveredCount() >= serverMaxDeliver;
		if (!lastServerDelivery) {
			c.logger.error(c.what() + " could not store the dead letter of " + JetStreamContainer.describe(metadata)
					+ " in '" + target.getSubject() + "' (" + failure.getMessage() + "); the message stays on the "
					+ "consumer and comes again in " + delay);
			delivery.nak(delay);
			c.record(JetStreamContainer.RETRIED, start);
			return false;
		}
		if (!c.isActive()) {
			c.logger.error(c.what() + " could not store the dead letter of " + JetStreamContainer.describe(metadata)
					+ " (" + failure.getMessage() + ") and the server will not deliver it again (max-deliver "
					+ serverMaxDeliver + " on the consumer); it stays in stream " + metadata.stream()
					+ " at sequence " + metadata.streamSequence());
			c.record(JetStreamContainer.FAILED, start);
			return false;
		}
		c.logger.error(c.what() + " could not store the dead letter of " + JetStreamContainer.describe(metadata) + " ("
				+ failure.getMessage() + "); this was the last delivery the server allows, retrying in " + delay);
		if (!c.pause(delay)) {
			c.record(JetStreamContainer.FAILED, start);
			return false;
		}
		return true;
	}

}
