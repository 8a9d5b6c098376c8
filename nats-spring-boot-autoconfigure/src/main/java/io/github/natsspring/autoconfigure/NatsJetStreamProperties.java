package io.github.natsspring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.github.natsspring.jetstream.reconcile.KeyValueDeclaration;
import io.github.natsspring.jetstream.reconcile.ObjectStoreDeclaration;
import io.github.natsspring.jetstream.reconcile.ReconcileMode;
import io.github.natsspring.jetstream.reconcile.StreamDeclaration;

/**
 * JetStream topology and publishing, prefix {@code nats.jetstream}.
 * <p>
 * Map keys are resource names. Spring Boot drops every character other than letters, digits and '-' from a map key
 * that is not in brackets, so write {@code "[BILLING_EVENTS]":} in YAML (or
 * {@code nats.jetstream.streams[BILLING_EVENTS].subjects} in properties), or set the declaration's {@code name}.
 */
@ConfigurationProperties("nats.jetstream")
public class NatsJetStreamProperties {

	private final Reconcile reconcile = new Reconcile();

	private final Publish publish = new Publish();

	/**
	 * JetStream domain the application's JetStream requests go to (reconciler, listeners, KV watchers, key-value
	 * and object store buckets), for example the hub's domain from an application connected to a leaf node. By
	 * default, the JetStream of the account on the connected server.
	 */
	private String domain;

	/**
	 * JetStream API prefix the application's JetStream requests go to, for a JetStream that an account imports
	 * under another prefix; set either this or the domain.
	 */
	private String apiPrefix;

	/**
	 * Streams to create and keep as declared, by stream name, each with its durable consumers.
	 */
	private Map<String, StreamDeclaration> streams = new LinkedHashMap<>();

	/**
	 * Key-value buckets to create and keep as declared, by bucket name.
	 */
	private Map<String, KeyValueDeclaration> keyValue = new LinkedHashMap<>();

	/**
	 * Object store buckets to create and keep as declared, by bucket name.
	 */
	private Map<String, ObjectStoreDeclaration> objectStore = new LinkedHashMap<>();

	public Reconcile getReconcile() {
		return this.reconcile;
	}

	public Publish getPublish() {
		return this.publish;
	}

	public String getDomain() {
		return this.domain;
	}

	public void setDomain(String domain) {
		this.domain = domain;
	}

	public String getApiPrefix() {
		return this.apiPrefix;
	}

	public void setApiPrefix(String apiPrefix) {
		this.apiPrefix = apiPrefix;
	}

	public Map<String, StreamDeclaration> getStreams() {
		return this.streams;
	}

	public void setStreams(Map<String, StreamDeclaration> streams) {
		this.streams = streams;
	}

	public Map<String, KeyValueDeclaration> getKeyValue() {
		return this.keyValue;
	}

	public void setKeyValue(Map<String, KeyValueDeclaration> keyValue) {
		this.keyValue = keyValue;
	}

	public Map<String, ObjectStoreDeclaration> getObjectStore() {
		return this.objectStore;
	}

	public void setObjectStore(Map<String, ObjectStoreDeclaration> objectStore) {
		this.objectStore = objectStore;
	}

	/**
	 * How declarations are made real on the server.
	 */
	public static class Reconcile {

		/**
		 * What reconciliation may do: update (create and change editable settings), create-only, validate (write
		 * nothing) or off.
		 */
		private ReconcileMode mode = ReconcileMode.UPDATE;

		/**
		 * Whether a conflict with the server (a setting it cannot change or is too old for) fails startup before
		 * anything is written, and later (after a reconnect) holds back changes to existing resources while missing
		 * ones are still created, instead of being reported while the rest is applied.
		 */
		private boolean failOnConflict = true;

		/**
		 * Timeout of each JetStream API request made while reconciling.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		/**
		 * How long one reconciliation waits, in all, for a JetStream that cannot answer yet because it has no
		 * leader or its cluster is not current (requests time out or are answered "temporarily unavailable", as
		 * during an election), before that counts as a failure; 0 does not wait.
		 */
		private Duration leaderTimeout = Duration.ofSeconds(30);

		public ReconcileMode getMode() {
			return this.mode;
		}

		public void setMode(ReconcileMode mode) {
			this.mode = mode;
		}

		public boolean isFailOnConflict() {
			return this.failOnConflict;
		}

		public void setFailOnConflict(boolean failOnConflict) {
			this.failOnConflict = failOnConflict;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getLeaderTimeout() {
			return this.leaderTimeout;
		}

		public void setLeaderTimeout(Duration leaderTimeout) {
			this.leaderTimeout = leaderTimeout;
		}

	}

	/**
	 * Publishing through JetStreamTemplate.
	 */
	public static class Publish {

		/**
		 * How long JetStreamTemplate waits for the storage acknowledgement of a publish.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		/**
		 * How many async publishes may await their acknowledgement at once; further publishes wait for a slot.
		 */
		private int maxInFlight = 4096;

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

	}

}
