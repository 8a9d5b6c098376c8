package io.github.natsspring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Leases, locks and leader election on NATS key-value, prefix {@code nats.coordination}.
 */
@ConfigurationProperties("nats.coordination")
public class NatsCoordinationProperties {

	/**
	 * Whether leases, the lock registry and leader election are auto-configured.
	 */
	private boolean enabled = true;

	/**
	 * Name of the key-value bucket that holds leases, locks and leaders. Declare its storage, replicas and other
	 * settings under nats.jetstream.key-value like any other bucket.
	 */
	private String bucket = "coordination";

	/**
	 * Identity of this application instance in leases, shown in health as the leader of a role; defaults to the
	 * application name with a random suffix.
	 */
	private String instanceId;

	/**
	 * How long a lease lasts after its last renewal unless acquired with a TTL of its own (whole seconds; at least
	 * 1s). The holder renews it every third of it, and counts it lost when no renewal succeeded for two thirds.
	 */
	private Duration ttl = Duration.ofSeconds(10);

	/**
	 * Longest TTL a lease may have. Where leases expire by revision checks (servers before 2.11, or message-ttl
	 * false) it is the bucket's ttl (max-age), which removes entries nobody renews.
	 */
	private Duration maxTtl = Duration.ofMinutes(1);

	/**
	 * Whether leases expire by per-message TTL on servers that have it (2.11 and newer, bucket with per-key TTL);
	 * otherwise a contender takes over a lease it saw unchanged for its TTL.
	 */
	private boolean messageTtl = true;

	/**
	 * How long a waiting lock or a leader candidate waits before it tries again when it saw no release (expiries are
	 * noticed this way), and how often a failed renewal is retried.
	 */
	private Duration retryInterval = Duration.ofMillis(500);

	/**
	 * Timeout of each request to the coordination bucket.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	private final Lock lock = new Lock();

	/**
	 * Leader election by role: every role listed (or named by @NatsLeaderOnly) elects one leader among the
	 * application instances.
	 */
	private Map<String, Leader> leader = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getBucket() {
		return this.bucket;
	}

	public void setBucket(String bucket) {
		this.bucket = bucket;
	}

	public String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(String instanceId) {
		this.instanceId = instanceId;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Duration getMaxTtl() {
		return this.maxTtl;
	}

	public void setMaxTtl(Duration maxTtl) {
		this.maxTtl = maxTtl;
	}

	public boolean isMessageTtl() {
		return this.messageTtl;
	}

	public void setMessageTtl(boolean messageTtl) {
		this.messageTtl = messageTtl;
	}

	public Duration getRetryInterval() {
		return this.retryInterval;
	}

	public void setRetryInterval(Duration retryInterval) {
		this.retryInterval = retryInterval;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Lock getLock() {
		return this.lock;
	}

	public Map<String, Leader> getLeader() {
		return this.leader;
	}

	public void setLeader(Map<String, Leader> leader) {
		this.leader = leader;
	}

	/**
	 * The Spring Integration lock registry.
	 */
	public static class Lock {

		/**
		 * Whether a NATS LockRegistry is auto-configured when Spring Integration is on the classpath.
		 */
		private boolean enabled = true;

		/**
		 * TTL of a lock taken without one; defaults to nats.coordination.ttl.
		 */
		private Duration ttl;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	/**
	 * One leader role.
	 */
	public static class Leader {

		/**
		 * Whether this instance competes for the role.
		 */
		private boolean enabled = true;

		/**
		 * TTL of the role's lease: how long the role stays without a leader after the leader died; defaults to
		 * nats.coordination.ttl.
		 */
		private Duration ttl;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

}
