package io.github.natsspring.coordination;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.LockRegistry;

import io.github.natsspring.coordination.lock.NatsLock;
import io.github.natsspring.coordination.lock.NatsLockRegistry;
import io.github.natsspring.test.NatsServer;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The Spring Integration {@code LockRegistry} on NATS, with several application instances competing for the same
 * locks against a real server.
 */
class NatsLockRegistryTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	@Test
	void noTwoHoldersAtOnceOverThousandsOfContendedAcquisitions() throws Exception {
		int instances = 3;
		int threadsPerInstance = 2;
		int acquisitionsPerThread = 350;
		List<Instance> running = new CopyOnWriteArrayList<>();
		try {
			for (int i = 0; i < instances; i++) {
				running.add(Instance.start(nats.url(), "contender-" + i));
			}
			AtomicInteger inside = new AtomicInteger();
			AtomicInteger overlaps = new AtomicInteger();
			AtomicInteger acquisitions = new AtomicInteger();
			AtomicLong lastToken = new AtomicLong();
			AtomicInteger tokensOutOfOrder = new AtomicInteger();
			List<Throwable> failures = new CopyOnWriteArrayList<>();
			CountDownLatch done = new CountDownLatch(instances * threadsPerInstance);
			for (Instance instance : running) {
				NatsLockRegistry registry = (NatsLockRegistry) instance.bean(LockRegistry.class);
				Leases leases = instance.bean(Leases.class).namespace(NatsLockRegistry.NAMESPACE);
				String instanceId = leases.getInstanceId();
				for (int t = 0; t < threadsPerInstance; t++) {
					new Thread(() -> {
						try {
							for (int n = 0; n < acquisitionsPerThread; n++) {
								Lock lock = registry.obtain("ledger");
								lock.lock();
								try {
									if (inside.incrementAndGet() != 1) {
										overlaps.incrementAndGet();
									}
									long token = ((NatsLock) lock).getFencingToken();
									// the bucket agrees: this instance holds the lock, with this token
									LeaseHolder holder = leases.getHolder("ledger").orElseThrow();
									if (!holder.holder().equals(instanceId) || holder.revision() < token) {
										overlaps.incrementAndGet();
									}
									if (token <= lastToken.getAndSet(token)) {
										tokensOutOfOrder.incrementAndGet();
									}
									acquisitions.incrementAndGet();
									inside.decrementAndGet();
								}
								finally {
									lock.unlock();
								}
							}
						}
						catch (Throwable ex) {
							failures.add(ex);
						}
						finally {
							done.countDown();
						}
					}).start();
				}
			}
			assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
			assertThat(failures).isEmpty();
			assertThat(acquisitions.get()).isEqualTo(instances * threadsPerInstance * acquisitionsPerThread);
			assertThat(overlaps.get()).isZero();
			assertThat(tokensOutOfOrder.get()).isZero();
		}
		finally {
			running.forEach(Instance::close);
		}
	}

	@Test
	void tryLockWaitsForTheHolderAndLocksAreReentrant() throws Exception {
		try (Instance a = Instance.start(nats.url(), "a"); Instance b = Instance.start(nats.url(), "b")) {
			LockRegistry<?> registryA = a.bean(LockRegistry.class);
			LockRegistry<?> registryB = b.bean(LockRegistry.class);
			Lock lockA = registryA.obtain("invoice:7");
			assertThat(lockA.tryLock(1, TimeUnit.SECONDS)).isTrue();
			assertThat(lockA.tryLock()).isTrue();
			lockA.unlock();
			// still held once: the other instance waits in vain
			Lock lockB = registryB.obtain("invoice:7");
			long start = System.nanoTime();
			assertThat(lockB.tryLock(300, TimeUnit.MILLISECONDS)).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			// only the holding thread unlocks
			Thread other = new Thread(() -> assertThatExceptionOfType(IllegalMonitorStateException.class)
				.isThrownBy(lockA::unlock));
			other.start();
			other.join();
			CountDownLatch locked = new CountDownLatch(1);
			Thread waiter = new Thread(() -> {
				try {
					if (lockB.tryLock(10, TimeUnit.SECONDS)) {
						locked.countDown();
						lockB.unlock();
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			waiter.start();
			Thread.sleep(200);
			lockA.unlock();
			assertThat(locked.await(2, TimeUnit.SECONDS)).isTrue();
			waiter.join();
			assertThat(((NatsLockRegistry) registryA).bucketKeyOf("invoice:7")).isEqualTo("lock.invoice=3A7");
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(lockA::newCondition);
		}
	}

	@Test
	void aHeldLockIsRenewedAndReleasedWhenItsApplicationStops() throws Exception {
		try (Instance b = Instance.start(nats.url(), "b")) {
			Instance a = Instance.start(nats.url(), "a", "nats.coordination.lock.ttl=2s");
			DistributedLock lockA = (DistributedLock) a.bean(LockRegistry.class).obtain("export");
			lockA.lock();
			long firstRevision = revision("lock.export");
			Lock lockB = b.bean(LockRegistry.class).obtain("export");
			// held past its TTL: renewals keep it
			assertThat(lockB.tryLock(3, TimeUnit.SECONDS)).isFalse();
			assertThat(revision("lock.export")).isGreaterThan(firstRevision);
			((NatsLockRegistry) a.bean(LockRegistry.class)).renewLock("export", Duration.ofSeconds(4));
			a.close();
			long stopped = System.nanoTime();
			assertThat(lockB.tryLock(5, TimeUnit.SECONDS)).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(1));
			lockB.unlock();
		}
	}

	@Test
	void aLockExpiresWhenItsHolderDiesAndItsUnlockThenFails() throws Exception {
		try (Instance a = Instance.start(nats.url(), "a", "nats.coordination.lock.ttl=2s",
				"nats.coordination.retry-interval=100ms");
				Instance b = Instance.start(nats.url(), "b", "nats.coordination.retry-interval=100ms")) {
			Lock lockA = a.bean(LockRegistry.class).obtain("payout");
			lockA.lock();
			a.die();
			long died = System.nanoTime();
			Lock lockB = b.bean(LockRegistry.class).obtain("payout");
			assertThat(lockB.tryLock(10, TimeUnit.SECONDS)).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - died)).isLessThan(Duration.ofSeconds(5));
			assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(lockA::unlock)
				.withMessageContaining("payout");
			lockB.unlock();
		}
	}

	@Test
	void aLockHeldAcrossAServerRestartStaysWithItsHolder() throws Exception {
		try (NatsServer server = NatsServer.startJetStream();
				Instance a = Instance.start(server.url(), "a", "nats.coordination.lock.ttl=6s",
						"nats.coordination.retry-interval=200ms");
				Instance b = Instance.start(server.url(), "b")) {
			DistributedLock lockA = (DistributedLock) a.bean(LockRegistry.class).obtain("settlement");
			lockA.lock();
			long before = revision(server, "lock.settlement");
			server.restart();
			Lock lockB = b.bean(LockRegistry.class).obtain("settlement");
			// renewals resume once reconnected; the lock never changes hands
			await().atMost(Duration.ofSeconds(10)).until(() -> revision(server, "lock.settlement") > before);
			assertThat(lockB.tryLock(1, TimeUnit.SECONDS)).isFalse();
			assertThat(a.bean(Leases.class).namespace(NatsLockRegistry.NAMESPACE).getHolder("settlement"))
				.hasValueSatisfying((holder) -> assertThat(holder.holder()).isEqualTo("a"));
			lockA.unlock();
			assertThat(lockB.tryLock(5, TimeUnit.SECONDS)).isTrue();
			lockB.unlock();
		}
	}

	private static long revision(String key) throws Exception {
		return revision(nats.server(), key);
	}

	private static long revision(NatsServer server, String key) throws Exception {
		try (Connection connection = Nats.connect(server.url())) {
			KeyValue bucket = connection.keyValue("coordination");
			KeyValueEntry entry = bucket.get(key);
			return (entry != null) ? entry.getRevision() : 0;
		}
	}

}
