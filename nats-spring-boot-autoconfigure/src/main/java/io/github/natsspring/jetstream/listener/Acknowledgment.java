package io.github.natsspring.jetstream.listener;

import java.time.Duration;

import io.github.natsspring.listener.ProvidedArgument;

/**
 * Settles a JetStream message from a {@code @JetStreamListener(ackMode = "manual")} method. The first of
 * {@link #ack()}, {@link #nak()} and {@link #term()} counts; later calls are ignored. {@link #inProgress()} may be
 * called any number of times before that (the listener also sends it by itself while the method runs).
 * <p>
 * A message the method leaves unsettled is reported (log and the {@code unacknowledged} outcome) and delivered again
 * after the ack wait. To settle from another thread, return a {@code CompletionStage} that completes afterwards.
 */
@ProvidedArgument
public interface Acknowledgment {

	/**
	 * Acknowledges the message: it is done and will not be delivered again.
	 */
	void ack();

	/**
	 * Asks for redelivery after the listener's delay for this delivery (see
	 * {@code @JetStreamListener(nakDelay)}).
	 */
	void nak();

	/**
	 * Asks for redelivery after the given delay.
	 * @param delay how long the server waits before delivering the message again
	 */
	void nak(Duration delay);

	/**
	 * Terminates the message: it will not be delivered again, and is not dead-lettered.
	 */
	void term();

	/**
	 * Tells the server the message is still being worked on, which restarts its ack wait.
	 */
	void inProgress();

	/**
	 * Whether the message has been acked, nak'ed or terminated.
	 * @return {@code true} once settled
	 */
	boolean isSettled();

}
