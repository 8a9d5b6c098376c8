package io.github.natsspring.jetstream.listener;

import java.time.Duration;

import io.nats.client.api.ConsumerInfo;

/**
 * Decides, on every supervision round, whether a durable listener is stalled: work waits for it — messages stored
 * and not delivered yet ({@code num_pending}) or messages it holds and has not handed to the method — and it
 * settled none for the stall timeout, while no handler is still at work within max-in-progress (a slow handler
 * is busy, not stalled).
 * <p>
 * Unlike "nothing arrived", this also catches a listener that receives and never handles, one whose
 * unacknowledged messages reached the consumer's {@code max_ack_pending} (the server then delivers nothing more),
 * and rounds where the consumer info could not be read (the last one is used). Whatever the cause, the listener
 * says so once per stall at WARN with the server's view, its health is DOWN until it settles a message again, and
 * it recovers by itself: when no handler of its own runs, its pull loop is replaced by a new one on a new
 * subscription (what the old one held is given back), again after every further stall timeout.
 */
final class StallDetector {

	private final Duration timeout;

	private long waitingSinceNanos;

	private long settledAtStart;

	private volatile boolean stalled;

	private volatile long stalledSinceNanos;

	StallDetector(Duration timeout) {
		this.timeout = timeout;
	}

	boolean isStalled() {
		return this.stalled;
	}

	/**
	 * How long the listener has been stalled.
	 * @return the duration, zero when not stalled
	 */
	Duration stalledFor() {
		return this.stalled ? Duration.ofNanos(System.nanoTime() - this.stalledSinceNanos) : Duration.ZERO;
	}

	/**
	 * One supervision round.
	 * @param view what the client sees now
	 * @param info the consumer info, possibly from an earlier round
	 * @param now {@link System#nanoTime()}
	 * @return what to do
	 */
	Verdict check(ClientView view, ConsumerInfo info, long now) {
		boolean workWaiting = (info != null && info.getNumPending() > 0) || view.held() > 0;
		if (!workWaiting || view.settled() != this.settledAtStart || view.handlersProgressing()) {
			boolean wasStalled = this.stalled;
			this.waitingSinceNanos = workWaiting ? now : 0;
			this.settledAtStart = view.settled();
			this.stalled = false;
			return wasStalled ? Verdict.RECOVERED : Verdict.FINE;
		}
		if (this.waitingSinceNanos == 0) {
			this.waitingSinceNanos = now;
			return Verdict.FINE;
		}
		if (now - this.waitingSinceNanos < this.timeout.toNanos()) {
			return this.stalled ? Verdict.STILL_STALLED : Verdict.FINE;
		}
		boolean first = !this.stalled;
		if (first) {
			this.stalled = true;
			this.stalledSinceNanos = this.waitingSinceNanos;
		}
		// the next recovery attempt, if this one does not help, after another timeout
		this.waitingSinceNanos = now;
		return first ? Verdict.STALLED : Verdict.STILL_STALLED_AGAIN;
	}

	/**
	 * The warning: what waits, what the server says and what the client holds.
	 * @param what names the listener
	 * @param consumer the consumer's name
	 * @param view the client's view
	 * @param info the consumer info, {@code null} if never read
	 * @param infoAge how old the info is
	 * @return the message
	 */
	String describe(String what, String consumer, ClientView view, ConsumerInfo info, Duration infoAge) {
		StringBuilder message = new StringBuilder(what).append(" is stalled: it handled no message for ")
			.append(this.timeout)
			.append(" while work waits on ")
			.append(consumer)
			.append(". Server: ");
		if (info == null) {
			message.append("no consumer info yet");
		}
		else {
			long maxAckPending = info.getConsumerConfiguration().getMaxAckPending();
			message.append("num_pending=")
				.append(info.getNumPending())
				.append(", num_ack_pending=")
				.append(info.getNumAckPending())
				.append(" (max_ack_pending ")
				.append(maxAckPending)
				.append("), num_waiting=")
				.append(info.getNumWaiting())
				.append(", num_redelivered=")
				.append(info.getRedelivered())
				.append(" (read ")
				.append(infoAge.toMillis())
				.append("ms ago)");
		}
		message.append(". Client: ")
			.append(view.held())
			.append(" held not handed out, ")
			.append(view.handling())
			.append(" handler(s) running, ")
			.append(view.pullsOpen())
			.append(" message(s) asked for in open pulls. ");
		if (info != null && info.getConsumerConfiguration().getMaxAckPending() > 0
				&& info.getNumAckPending() >= info.getConsumerConfiguration().getMaxAckPending()) {
			message.append("The consumer's max_ack_pending is reached: the server delivers nothing until messages held "
					+ "by this or another instance are acknowledged or their ack wait ends. ");
		}
		message.append((view.handling() == 0) ? "Pulling again on a new subscription."
				: "Waiting for the running handler(s); messages they hold past max-in-progress are redelivered.");
		return message.toString();
	}

	/** What a round found. */
	enum Verdict {

		/** Progress, or nothing waits. */
		FINE,

		/** Stalled, now: warn and recover. */
		STALLED,

		/** Still stalled within the timeout after the last recovery attempt. */
		STILL_STALLED,

		/** Still stalled a whole timeout after the last recovery attempt: try again. */
		STILL_STALLED_AGAIN,

		/** Was stalled, settled a message again. */
		RECOVERED

	}

	/**
	 * What the client side of the listener sees.
	 * @param held messages received and not handed to the method yet
	 * @param handling handlers running
	 * @param handlersProgressing whether a running handler is still within max-in-progress
	 * @param settled messages settled so far (a counter that only grows)
	 * @param pullsOpen messages asked for in pulls believed open
	 */
	record ClientView(int held, int handling, boolean handlersProgressing, long settled, int pullsOpen) {

	}

}
