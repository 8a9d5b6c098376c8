package io.github.natsspring.coordination;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.ResourceKind;
import io.github.natsspring.jetstream.reconcile.ResourceReport;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Leases against the server of the run: per-message TTL on 2.11 and newer, revision checks on 2.10 (the compat run)
 * and wherever message TTL is switched off, with the bucket declared through the reconciler.
 */
@Tag("compat")
class LeaseTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	@Test
	void theBucketIsDeclaredThroughTheReconcilerWithWhatTheServerCanDo() throws Exception {
		try (Instance a = Instance.start(nats.url(), "a", "nats.coordination.bucket=coord-declared")) {
			Leases leases = a.bean(Leases.class);
			boolean ttlServer = nats.server().binary().isAtLeast(2, 11);
			assertThat(leases.getExpiry()).isEqualTo(ttlServer ? LeaseExpiry.MESSAGE_TTL : LeaseExpiry.REVISION_CHECK);
			ResourceReport report = a.bean(JetStreamReconciler.class)
				.getReport()
				.resources()
				.stream()
				.filter((r) -> r.kind() == ResourceKind.KEY_VALUE && r.name().equals("coord-declared"))
				.findFirst()
				.orElseThrow();
			assertThat(report.status().name()).isEqualTo("CREATED");
			try (Connection connection = Nats.connect(nats.url())) {
				StreamConfiguration stream = connection.jetStreamManagement()
					.getStreamInfo("KV_coord-declared")
					.getConfiguration();
				if (ttlServer) {
					assertThat(stream.getAllowMessageTtl()).isTrue();
					assertThat(stream.getSubjectDeleteMarkerTtl()).isEqualTo(Duration.ofMinutes(1));
				}
				else {
					assertThat(stream.getMaxAge()).isEqualTo(Duration.ofMinutes(1));
				}
			}
		}
	}

	@Test
	void acquireRenewReleaseWithGrowingFencingTokens() throws Exception {
		try (Instance a = Instance.start(nats.url(), "a"); Instance b = Instance.start(nats.url(), "b")) {
			Leases leasesA = a.bean(Leases.class);
			Leases leasesB = b.bean(Leases.class);
			Lease first = leasesA.tryAcquire("invoice-run", Duration.ofSeconds(5)).orElseThrow();
			assertThat(first.holder()).isEqualTo("a");
			assertThat(first.key()).isEqualTo("lease.invoice-run");
			assertThat(leasesB.tryAcquire("invoice-run")).isEmpty();
			assertThat(leasesB.getHolder("invoice-run")).hasValueSatisfying((holder) -> {
				assertThat(holder.holder()).isEqualTo("a");
				assertThat(holder.revision()).isEqualTo(first.revision());
				assertThat(holder.ttl()).isEqualTo(Duration.ofSeconds(5));
			});

			Lease renewed = leasesA.renew(first);
			assertThat(renewed.revision()).isGreaterThan(first.revision());
			assertThat(renewed.fencingToken()).isEqualTo(first.fencingToken());
			// a stale revision does not renew: the lease has moved on
			assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> leasesB.renew(
					new Lease(first.name(), first.key(), "b", "another", first.revision(), first.revision(),
							first.ttl())));
			assertThat(leasesA.release(renewed)).isTrue();
			assertThat(leasesA.release(renewed)).isFalse();

			Lease second = leasesB.tryAcquire("invoice-run").orElseThrow();
			assertThat(second.fencingToken()).isGreaterThan(renewed.revision());
			assertThat(leasesA.acquire("invoice-run", null, Duration.ofMillis(300))).isEmpty();
			// a waiting acquisition is woken by the release
			CountDownLatch waiting = new CountDownLatch(1);
			long[] token = new long[1];
			Thread waiter = new Thread(() -> {
				try {
					waiting.countDown();
					token[0] = leasesA.acquire("invoice-run", null, Duration.ofSeconds(10)).orElseThrow().fencingToken();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			waiter.start();
			waiting.await();
			Thread.sleep(200);
			long released = System.nanoTime();
			assertThat(leasesB.release(second)).isTrue();
			waiter.join(10_000);
			assertThat(token[0]).isGreaterThan(second.fencingToken());
			assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(2));
		}
	}

	@ParameterizedTest(name = "message-ttl={0}")
	@ValueSource(booleans = { true, false })
	void aLeaseExpiresAfterItsHolderDiedWithoutReleasingIt(boolean messageTtl) throws Exception {
		String bucket = "coord-expiry-" + messageTtl;
		String[] properties = { "nats.coordination.bucket=" + bucket, "nats.coordination.message-ttl=" + messageTtl,
				"nats.coordination.retry-interval=100ms" };
		try (Instance a = Instance.start(nats.url(), "a", properties);
				Instance b = Instance.start(nats.url(), "b", properties)) {
			Leases leasesA = a.bean(Leases.class);
			Leases leasesB = b.bean(Leases.class);
			assertThat(leasesB.getExpiry()).isEqualTo((messageTtl && nats.server().binary().isAtLeast(2, 11))
					? LeaseExpiry.MESSAGE_TTL : LeaseExpiry.REVISION_CHECK);
			Lease held = leasesA.tryAcquire("nightly", Duration.ofSeconds(2)).orElseThrow();
			KeptLease kept = leasesA.keep(held, (lost) -> {
			});
			// kept alive past its TTL by renewals
			assertThat(leasesB.acquire("nightly", null, Duration.ofMillis(2500))).isEmpty();
			assertThat(kept.isHeld()).isTrue();
			assertThat(kept.getLease().revision()).isGreaterThan(held.revision());

			a.die();
			long died = System.nanoTime();
			Optional<Lease> taken = leasesB.acquire("nightly", null, Duration.ofSeconds(10));
			Duration after = Duration.ofNanos(System.nanoTime() - died);
			assertThat(taken).isPresent();
			assertThat(taken.get().fencingToken()).isGreaterThan(kept.getLease().revision());
			// within the TTL after the last renewal, plus retries: never before the holder gave it up
			assertThat(after).isLessThan(Duration.ofSeconds(5));
			assertThat(kept.isHeld()).isFalse();
		}
	}

	@Test
	void aKeptLeaseIsReleasedWhenTheApplicationStops() throws Exception {
		try (Instance b = Instance.start(nats.url(), "b")) {
			Leases leasesB = b.bean(Leases.class);
			Instance a = Instance.start(nats.url(), "a");
			Leases leasesA = a.bean(Leases.class);
			leasesA.keep(leasesA.tryAcquire("report", Duration.ofSeconds(30)).orElseThrow(), (lost) -> {
			});
			assertThat(leasesB.tryAcquire("report")).isEmpty();
			a.close();
			long started = System.nanoTime();
			assertThat(leasesB.acquire("report", null, Duration.ofSeconds(5))).isPresent();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
		}
	}

	@Test
	void ttlsAreWholeSecondsWithinTheMaximum() throws Exception {
		try (Instance a = Instance.start(nats.url(), "a")) {
			Leases leases = a.bean(Leases.class);
			Lease lease = leases.tryAcquire("rounded", Duration.ofMillis(1500)).orElseThrow();
			assertThat(lease.ttl()).isEqualTo(Duration.ofSeconds(2));
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> leases.tryAcquire("short", Duration.ofMillis(500)));
			if (leases.getExpiry() == LeaseExpiry.REVISION_CHECK) {
				assertThatExceptionOfType(IllegalArgumentException.class)
					.isThrownBy(() -> leases.tryAcquire("long", Duration.ofMinutes(5)))
					.withMessageContaining("max-age");
			}
			assertThat(leases.keyOf("orders:42")).isEqualTo("lease.orders=3A42");
			assertThat(leases.keyOf("a.b")).isEqualTo("lease.a.b");
			assertThat(leases.keyOf("a..b")).isEqualTo("lease.a=2E=2Eb");
			leases.release(lease);
		}
	}

}
