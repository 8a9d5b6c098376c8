package io.github.natsspring.jetstream.listener;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The pull requests a listener believes open at the server, oldest first, with how many messages each may still
 * bring. The server serves waiting pulls in order, so a message counts against the oldest; a pull ends when it got
 * its messages, when the server ends it with a status (expired, or ended early — for example because the next
 * message is larger than the pull's max bytes), or, if the server lost it (restart), when its expiry plus a grace
 * period passed on the client. The listener asks for more only while what is open plus what it holds stays within
 * one batch; the oldest pull is the one a status ends, so one pull's end does not make the others look gone.
 * Used by the one thread that pulls.
 */
final class PullRequests {

	private final ArrayDeque<Pull> pulls = new ArrayDeque<>();

	private int requested;

	/**
	 * Messages asked for and not received yet.
	 * @return the count
	 */
	int requested() {
		return this.requested;
	}

	boolean isEmpty() {
		return this.pulls.isEmpty();
	}

	/**
	 * A pull was sent.
	 * @param count messages asked for
	 * @param now when ({@link System#nanoTime()})
	 * @param expiresNanos its expiry at the server
	 * @param graceNanos how long after its expiry it counts as lost
	 */
	void issued(int count, long now, long expiresNanos, long graceNanos) {
		this.pulls.addLast(new Pull(count, now + expiresNanos, now + expiresNanos + graceNanos));
		this.requested += count;
	}

	/**
	 * A message arrived: it belongs to the oldest pull.
	 */
	void received() {
		Pull oldest = this.pulls.peekFirst();
		if (oldest == null) {
			return;
		}
		oldest.remaining--;
		oldest.delivered++;
		this.requested--;
		if (oldest.remaining <= 0) {
			this.pulls.removeFirst();
		}
	}

	/**
	 * A status ended a pull: the oldest.
	 * @param now when
	 * @param toleranceNanos how much earlier than its expiry a pull may end and still count as expired
	 * @return {@code true} if it ended well before its expiry without bringing a single message
	 */
	boolean ended(long now, long toleranceNanos) {
		Pull oldest = this.pulls.pollFirst();
		if (oldest == null) {
			return false;
		}
		this.requested -= oldest.remaining;
		return oldest.delivered == 0 && oldest.expiresAt - now > toleranceNanos;
	}

	/**
	 * Forgets pulls the server has not answered within their expiry plus the grace period (lost with the server).
	 * @param now when
	 */
	void expire(long now) {
		for (Iterator<Pull> it = this.pulls.iterator(); it.hasNext();) {
			Pull pull = it.next();
			if (now - pull.deadline >= 0) {
				this.requested -= pull.remaining;
				it.remove();
			}
		}
	}

	/**
	 * The earliest client-side deadline of the open pulls.
	 * @param otherwise returned when no pull is open
	 * @return the deadline ({@link System#nanoTime()} based)
	 */
	long nextDeadline(long otherwise) {
		Pull oldest = this.pulls.peekFirst();
		long next = (oldest != null) ? oldest.deadline : otherwise;
		for (Pull pull : this.pulls) {
			if (pull.deadline - next < 0) {
				next = pull.deadline;
			}
		}
		return next;
	}

	/**
	 * Forgets every pull (the consumer was recreated, the connection lost them).
	 */
	void clear() {
		this.pulls.clear();
		this.requested = 0;
	}

	private static final class Pull {

		private final long expiresAt;

		private final long deadline;

		private int remaining;

		private int delivered;

		Pull(int count, long expiresAt, long deadline) {
			this.remaining = count;
			this.expiresAt = expiresAt;
			this.deadline = deadline;
		}

	}

}
