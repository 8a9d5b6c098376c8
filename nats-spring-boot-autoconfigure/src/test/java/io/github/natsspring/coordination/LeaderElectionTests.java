package io.github.natsspring.coordination;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.support.locks.LockRegistry;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsCoordinationAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsListenerAutoConfiguration;
import io.github.natsspring.coordination.leader.IntegrationLeadershipEvents;
import io.github.natsspring.coordination.leader.LeaderElection;
import io.github.natsspring.coordination.leader.LeadershipEvents;
import io.github.natsspring.coordination.leader.NatsLeaderEvent;
import io.github.natsspring.coordination.leader.NatsLeaderGrantedEvent;
import io.github.natsspring.coordination.leader.NatsLeaderOnly;
import io.github.natsspring.health.NatsHealthContributor;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader election among several application instances: one leader per role, events, leader-only methods and
 * listeners, health, and failover when the leader stops or dies.
 */
class LeaderElectionTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	/** Every grant and revocation of every instance, in the order their listeners saw them. */
	static final List<Change> changes = new CopyOnWriteArrayList<>();

	private static final String[] PROPERTIES = { "nats.coordination.leader.billing.ttl=3s",
			"nats.coordination.retry-interval=100ms" };

	@Test
	void oneInstanceLeadsUntilItStopsOrDiesAndOnlyItRunsLeaderOnlyWork() throws Exception {
		changes.clear();
		List<Instance> instances = new ArrayList<>();
		try {
			for (String name : List.of("node-a", "node-b", "node-c")) {
				instances.add(Instance.start(nats.url(), name, List.of(Work.class), PROPERTIES));
			}
			Instance leader = awaitOneLeader(instances, "billing");
			String leaderId = leader.bean(Leases.class).getInstanceId();

			// health on every instance shows who leads
			for (Instance instance : instances) {
				Health health = leadersHealth(instance, "billing");
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("leader", leaderId)
					.containsEntry("self", instance == leader);
			}
			// the role named only by the annotation is elected too
			awaitOneLeader(instances, "reports");

			// a leader-only method runs on the leader only
			for (Instance instance : instances) {
				assertThat(instance.bean(Work.class).closeDay()).isEqualTo((instance == leader) ? "closed" : null);
			}
			// the leader-only listener runs on the leader only; elsewhere it is stopped on purpose, not DOWN
			NatsListenerEndpointRegistry leaderRegistry = leader.bean(NatsListenerEndpointRegistry.class);
			await().until(() -> leaderRegistry.getContainer("billing-jobs").isRunning());
			for (Instance instance : instances) {
				if (instance != leader) {
					assertThat(instance.bean(NatsListenerEndpointRegistry.class).getContainer("billing-jobs")
						.isRunning()).isFalse();
					assertThat(listenerHealth(instance, "billing-jobs")).isEqualTo(Status.UNKNOWN);
				}
			}
			try (Connection connection = Nats.connect(nats.url())) {
				for (int i = 0; i < 5; i++) {
					connection.publish("billing.jobs", ("job-" + i).getBytes());
				}
				connection.flush(Duration.ofSeconds(2));
			}
			await().until(() -> leader.bean(Work.class).jobs().size() == 5);
			// Spring Integration's events come along
			assertThat(leader.bean(Work.class).integrationGrants()).contains("billing");

			// the leader stops: it releases the role, and another instance leads at once
			long firstToken = leader.bean(LeaderElection.class).getLeadership("billing").orElseThrow().fencingToken();
			instances.remove(leader);
			long stopped = System.nanoTime();
			leader.close();
			Instance second = awaitOneLeader(instances, "billing");
			assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(2));
			long secondToken = second.bean(LeaderElection.class).getLeadership("billing").orElseThrow().fencingToken();
			assertThat(secondToken).isGreaterThan(firstToken);
			await().until(() -> second.bean(NatsListenerEndpointRegistry.class).getContainer("billing-jobs")
				.isRunning());

			// the next leader dies without a word: the last one takes over within the TTL
			instances.remove(second);
			long died = System.nanoTime();
			second.die();
			Instance third = awaitOneLeader(instances, "billing");
			Duration failover = Duration.ofNanos(System.nanoTime() - died);
			assertThat(failover).isLessThan(Duration.ofSeconds(6));
			assertThat(third.bean(LeaderElection.class).getLeadership("billing").orElseThrow().fencingToken())
				.isGreaterThan(secondToken);
			second.close();
			// the events are published off the election's thread: the third grant may still be on its way
			await().until(() -> changes.stream().filter((c) -> c.role().equals("billing") && c.granted()).count() >= 3);
			assertNoOverlap("billing");
		}
		finally {
			instances.forEach(Instance::close);
		}
	}

	@Test
	void aLeaderOnlyListenerMustNotStartWithTheApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class,
					NatsListenerAutoConfiguration.class, NatsCoordinationAutoConfiguration.class,
					JacksonAutoConfiguration.class))
			.withUserConfiguration(StartsEverywhere.class)
			.withPropertyValues("nats.servers=" + nats.url())
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("@NatsLeaderOnly")
				.hasMessageContaining("autoStartup = \"false\""));
	}

	@Test
	void withoutSpringIntegrationOurEventsAloneAndNoLockRegistry() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class,
					NatsCoordinationAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withPropertyValues("nats.servers=" + nats.url());
		runner.run((context) -> {
			assertThat(context).hasSingleBean(LockRegistry.class);
			assertThat(context.getBean(LeadershipEvents.class)).isInstanceOf(IntegrationLeadershipEvents.class);
		});
		runner.withClassLoader(new FilteredClassLoader("org.springframework.integration")).run((context) -> {
			assertThat(context).doesNotHaveBean("natsLockRegistry");
			assertThat(context.getBean(LeadershipEvents.class).getClass()).isEqualTo(LeadershipEvents.class);
			assertThat(context).hasSingleBean(Leases.class);
		});
		runner.withPropertyValues("nats.coordination.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Leases.class).doesNotHaveBean(LeaderElection.class));
	}

	private static Instance awaitOneLeader(List<Instance> instances, String role) {
		List<Instance> leaders = new ArrayList<>();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
			leaders.clear();
			instances.stream().filter((i) -> i.bean(LeaderElection.class).isLeader(role)).forEach(leaders::add);
			return leaders.size() == 1;
		});
		return leaders.get(0);
	}

	private static Health leadersHealth(Instance instance, String role) {
		NatsHealthContributor nats = instance.bean(NatsHealthContributor.class);
		CompositeHealthContributor leaders = (CompositeHealthContributor) nats.getContributor("leaders");
		return ((HealthIndicator) leaders.getContributor(role)).health();
	}

	private static Status listenerHealth(Instance instance, String id) {
		NatsHealthContributor nats = instance.bean(NatsHealthContributor.class);
		CompositeHealthContributor listeners = (CompositeHealthContributor) nats.getContributor("listeners");
		return ((HealthIndicator) listeners.getContributor(id)).health().getStatus();
	}

	/** A grant is always preceded by the revocation of the leadership before it: no two leaders at once. */
	private static void assertNoOverlap(String role) {
		assertThat(changes.stream().filter((c) -> c.role().equals(role) && c.granted())).hasSizeGreaterThanOrEqualTo(3);
		String leading = null;
		for (Change change : changes) {
			if (!change.role().equals(role)) {
				continue;
			}
			if (change.granted()) {
				assertThat(leading).as("%s granted while %s still led", change.instance(), leading).isNull();
				leading = change.instance();
			}
			else {
				assertThat(change.instance()).isEqualTo(leading);
				leading = null;
			}
		}
	}

	record Change(String instance, String role, boolean granted) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Work {

		final String instance;

		final List<String> jobs = new CopyOnWriteArrayList<>();

		final List<String> integrationGrants = new CopyOnWriteArrayList<>();

		Work(@Value("${spring.application.name}") String instance) {
			this.instance = instance;
		}

		// the bean is proxied for its leader-only methods: the test reads its state through methods
		public List<String> jobs() {
			return this.jobs;
		}

		public List<String> integrationGrants() {
			return this.integrationGrants;
		}

		@NatsLeaderOnly("billing")
		public String closeDay() {
			return "closed";
		}

		@NatsLeaderOnly("reports")
		public void report() {
		}

		@NatsLeaderOnly("billing")
		@NatsListener(id = "billing-jobs", subject = "billing.jobs", autoStartup = "false")
		void job(String job) {
			this.jobs.add(job);
		}

		@EventListener
		void onLeadership(NatsLeaderEvent event) {
			changes.add(new Change(this.instance, event.getRole(), event instanceof NatsLeaderGrantedEvent));
		}

		@EventListener
		void onGranted(OnGrantedEvent event) {
			this.integrationGrants.add(event.getRole());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StartsEverywhere {

		@Bean
		Object everywhere() {
			return new Object() {

				@NatsLeaderOnly("billing")
				@NatsListener(subject = "billing.jobs")
				void job(String job) {
				}

			};
		}

	}

}
