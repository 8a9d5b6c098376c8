package io.github.natsspring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.nats.client.Connection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.coordination.CoordinationBucket;
import io.github.natsspring.coordination.Leases;
import io.github.natsspring.coordination.leader.IntegrationLeadershipEvents;
import io.github.natsspring.coordination.leader.LeaderElection;
import io.github.natsspring.coordination.leader.LeaderOnlyBeanPostProcessor;
import io.github.natsspring.coordination.leader.LeaderOnlyListeners;
import io.github.natsspring.coordination.leader.LeadersHealthGroup;
import io.github.natsspring.coordination.leader.LeadershipEvents;
import io.github.natsspring.coordination.lock.NatsLockRegistry;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * Auto-configures coordination on NATS key-value ({@code nats.coordination}): {@link Leases}, leader election by
 * role with {@code @NatsLeaderOnly}, the {@code leaders} health group, and a Spring Integration
 * {@code LockRegistry} when Spring Integration is on the classpath.
 * <p>
 * The coordination bucket is declared through the JetStream reconciler: at startup when a leader role exists,
 * otherwise at the first use of a lease or lock, so that an application that never coordinates gets no bucket and
 * needs no JetStream.
 */
@AutoConfiguration(after = { NatsJetStreamAutoConfiguration.class, NatsListenerAutoConfiguration.class,
		NatsJetStreamListenerAutoConfiguration.class, NatsKvWatchAutoConfiguration.class })
@ConditionalOnClass(Connection.class)
@ConditionalOnBean(NatsConnectionManager.class)
@ConditionalOnBooleanProperty(name = "nats.coordination.enabled", matchIfMissing = true)
@EnableConfigurationProperties(NatsCoordinationProperties.class)
public final class NatsCoordinationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CoordinationBucket natsCoordinationBucket(NatsConnectionManager natsConnectionManager,
			ObjectProvider<JetStreamReconciler> reconciler, ObjectProvider<JetStreamApi> jetStreamApi,
			NatsCoordinationProperties properties) {
		validate(properties);
		CoordinationBucket bucket = new CoordinationBucket(natsConnectionManager, reconciler.getIfAvailable(),
				properties.getBucket(), properties.getMaxTtl(), properties.isMessageTtl(), properties.getTimeout());
		bucket.setJetStreamApi(jetStreamApi.getIfAvailable());
		return bucket;
	}

	@Bean
	@ConditionalOnMissingBean
	Leases natsLeases(CoordinationBucket natsCoordinationBucket, NatsCoordinationProperties properties,
			Environment environment) {
		String instanceId = properties.getInstanceId();
		if (!StringUtils.hasText(instanceId)) {
			String application = environment.getProperty("spring.application.name", "nats");
			instanceId = application + "-" + UUID.randomUUID().toString().substring(0, 8);
		}
		return new Leases(natsCoordinationBucket, instanceId, properties.getTtl(), properties.getRetryInterval());
	}

	@Bean
	static LeaderOnlyBeanPostProcessor natsLeaderOnlyBeanPostProcessor() {
		return new LeaderOnlyBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	LeaderElection natsLeaderElection(Leases natsLeases, NatsConnectionManager natsConnectionManager,
			NatsCoordinationProperties properties, LeadershipEvents natsLeadershipEvents,
			LeaderOnlyBeanPostProcessor natsLeaderOnlyBeanPostProcessor) {
		Map<String, Duration> roles = new LinkedHashMap<>();
		Set<String> disabled = new LinkedHashSet<>();
		properties.getLeader().forEach((role, leader) -> {
			if (leader.isEnabled()) {
				roles.put(role, leader.getTtl());
			}
			else {
				disabled.add(role);
			}
		});
		LeaderElection election = new LeaderElection(natsLeases, natsConnectionManager, roles,
				properties.getRetryInterval(), natsLeadershipEvents);
		election.setMoreRoles(natsLeaderOnlyBeanPostProcessor::getRoles, disabled);
		return election;
	}

	@Bean
	@ConditionalOnBean(NatsListenerEndpointRegistry.class)
	LeaderOnlyListeners natsLeaderOnlyListeners(NatsListenerEndpointRegistry registry,
			LeaderElection natsLeaderElection, LeaderOnlyBeanPostProcessor natsLeaderOnlyBeanPostProcessor) {
		return new LeaderOnlyListeners(registry, natsLeaderElection, natsLeaderOnlyBeanPostProcessor::getListeners);
	}

	private static void validate(NatsCoordinationProperties properties) {
		String bucket = properties.getBucket();
		if (!StringUtils.hasText(bucket) || !bucket.chars()
			.allMatch((c) -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_')) {
			throw new InvalidNatsConfigurationException("nats.coordination.bucket",
					"'" + bucket + "' is not a bucket name", "Use only letters, digits, '-' and '_'.");
		}
		if (properties.getTtl().compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidNatsConfigurationException("nats.coordination.ttl",
					properties.getTtl() + " is shorter than one second, the least NATS counts", "Set 1s or more.");
		}
		if (properties.getTtl().compareTo(properties.getMaxTtl()) > 0) {
			throw new InvalidNatsConfigurationException("nats.coordination.ttl",
					properties.getTtl() + " is longer than nats.coordination.max-ttl (" + properties.getMaxTtl() + ")",
					"Raise nats.coordination.max-ttl or shorten the TTL.");
		}
		properties.getLeader().forEach((role, leader) -> {
			if (leader.getTtl() != null && (leader.getTtl().compareTo(Duration.ofSeconds(1)) < 0
					|| leader.getTtl().compareTo(properties.getMaxTtl()) > 0)) {
				throw new InvalidNatsConfigurationException("nats.coordination.leader." + role + ".ttl",
						leader.getTtl() + " is not between 1s and nats.coordination.max-ttl ("
								+ properties.getMaxTtl() + ")",
						"Choose a TTL within that range.");
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.integration.leader.event.OnGrantedEvent")
	static class IntegrationLeadershipEventsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LeadershipEvents natsLeadershipEvents(ApplicationEventPublisher publisher) {
			return new IntegrationLeadershipEvents(publisher);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.integration.leader.event.OnGrantedEvent")
	static class LeadershipEventsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LeadershipEvents natsLeadershipEvents(ApplicationEventPublisher publisher) {
			return new LeadershipEvents(publisher);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.integration.support.locks.LockRegistry")
	@ConditionalOnBooleanProperty(name = "nats.coordination.lock.enabled", matchIfMissing = true)
	static class LockRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean(type = "org.springframework.integration.support.locks.LockRegistry")
		NatsLockRegistry natsLockRegistry(Leases natsLeases, NatsCoordinationProperties properties) {
			Duration ttl = properties.getLock().getTtl();
			if (ttl != null && ttl.compareTo(properties.getMaxTtl()) > 0) {
				throw new InvalidNatsConfigurationException("nats.coordination.lock.ttl",
						ttl + " is longer than nats.coordination.max-ttl (" + properties.getMaxTtl() + ")",
						"Raise nats.coordination.max-ttl or shorten the TTL.");
			}
			return new NatsLockRegistry(natsLeases, ttl);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthContributor.class)
	static class LeadersHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LeadersHealthGroup natsLeadersHealthGroup(LeaderElection natsLeaderElection) {
			return new LeadersHealthGroup(natsLeaderElection);
		}

	}

}
