package io.github.natsspring.jetstream.listener;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pull accounting of a durable listener, without a server: messages count against the oldest pull, a status
 * ends the oldest pull only, and pulls the server lost are forgotten after their expiry plus grace.
 */
class JetStreamListenerPullRequestsTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private static final long GRACE = TimeUnit.MILLISECONDS.toNanos(500);

	@Test
	void aStatusEndsTheOldestPullOnlyAndTheOthersStayCounted() {
		PullRequests pulls = new PullRequests();
		pulls.issued(10, 0, 5 * SECOND, GRACE);
		for (int i = 0; i < 4; i++) {
			pulls.received();
		}
		pulls.issued(4, SECOND, 5 * SECOND, GRACE);
		assertThat(pulls.requested()).isEqualTo(10);
		// the first pull expires at the server (408): the second one is still open
		assertThat(pulls.ended(5 * SECOND, SECOND / 10)).isFalse();
		assertThat(pulls.requested()).isEqualTo(4);
		pulls.received();
		assertThat(pulls.requested()).isEqualTo(3);
	}

	@Test
	void aPullEndedLongBeforeItsExpiryWithoutAMessageIsReported() {
		PullRequests pulls = new PullRequests();
		pulls.issued(10, 0, 5 * SECOND, GRACE);
		assertThat(pulls.ended(SECOND / 100, SECOND / 10)).isTrue();
		assertThat(pulls.isEmpty()).isTrue();
		// one that brought messages first ended normally (max bytes reached)
		pulls.issued(10, SECOND, 5 * SECOND, GRACE);
		pulls.received();
		assertThat(pulls.ended(SECOND + SECOND / 100, SECOND / 10)).isFalse();
		assertThat(pulls.requested()).isZero();
	}

	@Test
	void pullsTheServerLostAreForgottenAfterTheirExpiryAndGrace() {
		PullRequests pulls = new PullRequests();
		pulls.issued(10, 0, 5 * SECOND, GRACE);
		pulls.issued(5, 2 * SECOND, 5 * SECOND, GRACE);
		assertThat(pulls.nextDeadline(0)).isEqualTo(5 * SECOND + GRACE);
		pulls.expire(5 * SECOND + GRACE);
		assertThat(pulls.requested()).isEqualTo(5);
		pulls.expire(7 * SECOND + GRACE);
		assertThat(pulls.isEmpty()).isTrue();
		assertThat(pulls.requested()).isZero();
	}

	@Test
	void aFullPullIsDoneAndTheNextMessagesCountAgainstTheNextOne() {
		PullRequests pulls = new PullRequests();
		pulls.issued(2, 0, 5 * SECOND, GRACE);
		pulls.issued(3, 0, 5 * SECOND, GRACE);
		pulls.received();
		pulls.received();
		pulls.received();
		assertThat(pulls.requested()).isEqualTo(2);
		// the status ends the second pull, which had brought a message
		assertThat(pulls.ended(SECOND, SECOND / 10)).isFalse();
		assertThat(pulls.isEmpty()).isTrue();
	}

}
