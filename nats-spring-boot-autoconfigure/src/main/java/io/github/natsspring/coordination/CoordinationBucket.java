package io.github.natsspring.coordination;

import java.io.IOException;
import java.time.Duration;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StreamConfiguration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.reconcile.Declared;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.KeyValueDeclaration;
import io.github.natsspring.jetstream.reconcile.ReconcileReport;
import io.github.natsspring.jetstream.reconcile.ResourceReport;
import io.github.natsspring.jetstream.reconcile.ResourceStatus;

/**
 * The key-value bucket that holds leases, locks and leaders. It is declared through the {@link JetStreamReconciler}
 * like any other bucket (so it is reported, shown in health and made again after a reconnect), with what
 * coordination needs from the connected server:
 * <ul>
 * <li>on nats-server 2.11 and newer, per-key TTL ({@code limit-marker-ttl}), so that the server removes a lease
 * whose holder stopped renewing it ({@link LeaseExpiry#MESSAGE_TTL});</li>
 * <li>on older servers, a {@code ttl} (max-age) of the longest lease TTL, which removes what nobody renews, while
 * contenders take over leases they saw unchanged for their TTL ({@link LeaseExpiry#REVISION_CHECK}).</li>
 * </ul>
 * Everything else (storage, replicas, history) is declared, if at all, under
 * {@code nats.jetstream.key-value.<bucket>}; a setting declared there is not declared again here.
 * <p>
 * The bucket is opened on the connection the manager has now, and again after it went away.
 */
public class CoordinationBucket {

	private static final Log logger = LogFactory.getLog(CoordinationBucket.class);

	/** How long the server keeps the marker of a lease it removed: long enough for a watcher to see it go. */
	static final Duration LIMIT_MARKER_TTL = Duration.ofMinutes(1);

	static final String DESCRIPTION = "Leases, locks and leaders (nats-spring-boot coordination)";

	private static final int STREAM_NOT_FOUND = 10059;

	private static final int STREAM_NAME_IN_USE = 10058;

	private final NatsConnectionManager connectionManager;

	private final JetStreamReconciler reconciler;

	private final String name;

	private final Duration maxTtl;

	private final boolean messageTtl;

	private final Duration timeout;

	private JetStreamApi api = JetStreamApi.connected();

	private volatile Opened opened;

	/**
	 * Creates the bucket; nothing is sent before it is first used.
	 * @param connectionManager the connection
	 * @param reconciler declares the bucket, {@code null} to create it directly when missing
	 * @param name the bucket name
	 * @param maxTtl the longest lease TTL: the bucket's max-age where leases expire by revision checks
	 * @param messageTtl whether leases expire by per-message TTL where the server supports it
	 * @param timeout the timeout of each request
	 */
	public CoordinationBucket(NatsConnectionManager connectionManager, JetStreamReconciler reconciler, String name,
			Duration maxTtl, boolean messageTtl, Duration timeout) {
		this.connectionManager = connectionManager;
		this.reconciler = reconciler;
		this.name = name;
		this.maxTtl = maxTtl;
		this.messageTtl = messageTtl;
		this.timeout = timeout;
	}

	/**
	 * Sets the JetStream the bucket lives in, for an application that uses another domain or API prefix.
	 * @param api the JetStream API of the application
	 */
	public void setJetStreamApi(JetStreamApi api) {
		this.api = (api != null) ? api : JetStreamApi.connected();
	}

	public String getName() {
		return this.name;
	}

	/**
	 * The longest TTL a lease may have.
	 * @return the maximum TTL
	 */
	public Duration getMaxTtl() {
		return this.maxTtl;
	}

	/**
	 * How leases expire, once the bucket was opened.
	 * @return the expiry, {@code null} before the bucket was first opened
	 */
	public LeaseExpiry getExpiry() {
		Opened current = this.opened;
		return (current != null) ? current.expiry() : null;
	}

	/**
	 * The bucket opened on the current connection: declared (created or brought up to date as the reconcile mode
	 * allows) and read back, at the first call and again after {@link #invalidate}.
	 * @return the opened bucket
	 * @throws CoordinationException if it does not exist and may not be created, or the server refused
	 * @throws io.github.natsspring.core.NatsNotConnectedException before the first connection
	 */
	Opened open() {
		Connection connection = this.connectionManager.getConnection();
		Opened current = this.opened;
		if (current != null && current.connection() == connection) {
			return current;
		}
		synchronized (this) {
			current = this.opened;
			if (current != null && current.connection() == connection) {
				return current;
			}
			current = openOn(connection);
			this.opened = current;
			return current;
		}
	}

	/**
	 * Forgets an opened bucket that failed as if it went away (deleted, or a memory bucket lost with a server
	 * restart): the next use declares and opens it again.
	 * @param stale the bucket as opened
	 */
	void invalidate(Opened stale) {
		synchronized (this) {
			if (this.opened == stale) {
				this.opened = null;
			}
		}
	}

	private Opened openOn(Connection connection) {
		ServerInfo info = connection.getServerInfo();
		boolean ttlSupported = info.isSameOrNewerThanVersion("2.11.0");
		boolean useMessageTtl = this.messageTtl && ttlSupported;
		JetStreamOptions options = this.api.options(this.timeout);
		try {
			JetStreamManagement management = connection.jetStreamManagement(options);
			declare(management, useMessageTtl);
			StreamConfiguration configuration = readConfiguration(management);
			LeaseExpiry expiry = (useMessageTtl && configuration.getAllowMessageTtl()) ? LeaseExpiry.MESSAGE_TTL
					: LeaseExpiry.REVISION_CHECK;
			Duration maxAge = configuration.getMaxAge();
			describe(info, useMessageTtl, expiry, maxAge);
			JetStream jetStream = connection.jetStream(options);
			return new Opened(connection, jetStream, management, this.name, expiry,
					(maxAge != null) ? maxAge : Duration.ZERO);
		}
		catch (IOException ex) {
			throw new CoordinationException("Could not open the coordination bucket '" + this.name + "' on nats-server "
					+ info.getVersion() + ": " + ex.getMessage(), ex);
		}
	}

	private void describe(ServerInfo info, boolean useMessageTtl, LeaseExpiry expiry, Duration maxAge) {
		if (useMessageTtl && expiry != LeaseExpiry.MESSAGE_TTL) {
			logger.warn("The coordination bucket '" + this.name + "' does not allow per-key TTL and was not changed to "
					+ "(nats.jetstream.reconcile.mode): leases expire by revision checks instead. Let the reconciler "
					+ "update the bucket, or set limit-marker-ttl on it, for expiry by the server.");
		}
		if (expiry == LeaseExpiry.REVISION_CHECK && (maxAge == null || maxAge.isZero())) {
			logger.warn("The coordination bucket '" + this.name + "' has no ttl (max-age): leases of holders that died "
					+ "are taken over by contenders, but a lease nobody contends for stays in the bucket.");
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Coordination bucket '" + this.name + "' opened on nats-server " + info.getVersion()
					+ "; leases expire by " + ((expiry == LeaseExpiry.MESSAGE_TTL) ? "per-message TTL"
							: "revision checks, within the bucket's max-age of " + maxAge));
		}
	}

	private void declare(JetStreamManagement management, boolean useMessageTtl)
			throws IOException {
		Duration ttl = useMessageTtl ? null : this.maxTtl;
		Duration limitMarkerTtl = useMessageTtl ? LIMIT_MARKER_TTL : null;
		if (this.reconciler == null) {
			createIfMissing(management, ttl, limitMarkerTtl);
			return;
		}
		// what the application declares for the bucket itself wins; only the rest is declared here
		KeyValueDeclaration declared = this.reconciler.getTopology()
			.getKeyValue(this.name)
			.map(Declared::declaration)
			.orElse(null);
		if (declared != null) {
			ttl = (declared.ttl() != null) ? null : ttl;
			limitMarkerTtl = (declared.limitMarkerTtl() != null) ? null : limitMarkerTtl;
		}
		String description = (declared != null && declared.description() != null) ? null : DESCRIPTION;
		ReconcileReport report = this.reconciler.ensureKeyValue(new KeyValueDeclaration(this.name, null, ttl, null,
				null, null, null, description, null, null, limitMarkerTtl, null));
		for (ResourceReport resource : report.resources()) {
			if (resource.status() == ResourceStatus.FAILED || resource.status() == ResourceStatus.CONFLICT) {
				throw new CoordinationException("The coordination bucket could not be declared: " + resource);
			}
		}
	}

	private void createIfMissing(JetStreamManagement management, Duration ttl, Duration limitMarkerTtl)
			throws IOException {
		KeyValueConfiguration.Builder configuration = KeyValueConfiguration.builder()
			.name(this.name)
			.description(DESCRIPTION);
		if (ttl != null) {
			configuration.ttl(ttl);
		}
		if (limitMarkerTtl != null) {
			configuration.limitMarker(limitMarkerTtl);
		}
		try {
			if (readConfigurationOrNull(management) == null) {
				management.addStream(configuration.build().getBackingConfig());
			}
		}
		catch (JetStreamApiException ex) {
			// created by another instance meanwhile
			if (ex.getApiErrorCode() != STREAM_NAME_IN_USE) {
				throw new CoordinationException("Could not create the coordination bucket '" + this.name + "': "
						+ ex.getErrorDescription() + " (error " + ex.getApiErrorCode() + ")", ex);
			}
		}
	}

	private StreamConfiguration readConfiguration(JetStreamManagement management) throws IOException {
		StreamConfiguration configuration;
		try {
			configuration = readConfigurationOrNull(management);
		}
		catch (JetStreamApiException ex) {
			throw new CoordinationException("Could not read the coordination bucket '" + this.name + "': "
					+ ex.getErrorDescription() + " (error " + ex.getApiErrorCode() + ")", ex);
		}
		if (configuration == null) {
			throw new CoordinationException("The coordination bucket '" + this.name + "' does not exist and "
					+ "nats.jetstream.reconcile.mode does not allow creating it. Create it, or let the application "
					+ "create it (mode update or create-only).");
		}
		return configuration;
	}

	private StreamConfiguration readConfigurationOrNull(JetStreamManagement management)
			throws IOException, JetStreamApiException {
		try {
			return management.getStreamInfo("KV_" + this.name).getConfiguration();
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				return null;
			}
			throw ex;
		}
	}

	@Override
	public String toString() {
		return "CoordinationBucket[" + this.name + "]";
	}

	/**
	 * The bucket as opened on one connection.
	 *
	 * @param connection the connection
	 * @param jetStream publishes writes
	 * @param management reads the latest entry of a key, markers included
	 * @param bucket the bucket name
	 * @param expiry how leases expire in it
	 * @param maxAge the bucket's max-age, zero for none
	 */
	record Opened(Connection connection, JetStream jetStream, JetStreamManagement management, String bucket,
			LeaseExpiry expiry, Duration maxAge) {

		String stream() {
			return "KV_" + this.bucket;
		}

		String subjectPrefix() {
			return "$KV." + this.bucket + ".";
		}

		String subject(String key) {
			return subjectPrefix() + key;
		}

	}

}
