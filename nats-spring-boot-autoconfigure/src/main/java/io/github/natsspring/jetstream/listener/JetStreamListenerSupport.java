package io.github.natsspring.jetstream.listener;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.JetStreamOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.JetStreamOperations;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.ReconcileMode;
import io.github.natsspring.jetstream.reconcile.ReconcileReport;
import io.github.natsspring.jetstream.reconcile.ResourceReport;
import io.github.natsspring.jetstream.reconcile.ResourceStatus;

/**
 * What all {@code @JetStreamListener} containers share: the reconciler that ensures their consumers, the defaults,
 * the dead-letter stream (declared once, by the first listener that needs it), the de-duplication buckets, the
 * template for results and the gauges.
 */
public class JetStreamListenerSupport implements DisposableBean {

	private static final Log logger = LogFactory.getLog(JetStreamListenerSupport.class);

	private final JetStreamReconciler reconciler;

	private final JetStreamListenerDefaults defaults;

	private final JetStreamOperations jetStreamOperations;

	private final JetStreamListenerMeters meters;

	private final Duration requestTimeout;

	private final Map<String, DedupeStore> dedupeStores = new LinkedHashMap<>();

	private final Set<JetStreamContainer> containers = ConcurrentHashMap.newKeySet();

	private volatile boolean deadLetterStreamEnsured;

	/**
	 * Creates the shared support.
	 * @param reconciler ensures consumers and the dead-letter stream
	 * @param defaults the defaults
	 * @param jetStreamOperations publishes results to subjects a stream captures
	 * @param meters the gauges
	 * @param requestTimeout timeout of JetStream API requests (consumer info, bucket lookups)
	 */
	public JetStreamListenerSupport(JetStreamReconciler reconciler, JetStreamListenerDefaults defaults,
			JetStreamOperations jetStreamOperations, JetStreamListenerMeters meters, Duration requestTimeout) {
		this.reconciler = reconciler;
		this.defaults = defaults;
		this.jetStreamOperations = jetStreamOperations;
		this.meters = (meters != null) ? meters : JetStreamListenerMeters.NONE;
		this.requestTimeout = requestTimeout;
	}

	public JetStreamReconciler getReconciler() {
		return this.reconciler;
	}

	public JetStreamListenerDefaults getDefaults() {
		return this.defaults;
	}

	public JetStreamOperations getJetStreamOperations() {
		return this.jetStreamOperations;
	}

	public JetStreamListenerMeters getMeters() {
		return this.meters;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	/**
	 * The JetStream a listener's stream lives in: the domain its declaration names, otherwise the application's
	 * ({@code nats.jetstream.domain}).
	 * @param stream the stream
	 * @return the API
	 */
	public JetStreamApi getJetStreamApi(String stream) {
		if (this.reconciler == null) {
			return JetStreamApi.connected();
		}
		JetStreamApi api = this.reconciler.getJetStreamApi();
		return this.reconciler.getTopology()
			.getStream(stream)
			.map((declared) -> api.forDomain(declared.declaration().domain()))
			.orElse(api);
	}

	/**
	 * jnats options for the JetStream a listener's stream lives in, with the request timeout.
	 * @param stream the stream
	 * @return the options
	 */
	JetStreamOptions jetStreamOptions(String stream) {
		return getJetStreamApi(stream).options(this.requestTimeout);
	}

	/** jnats options for the JetStream the dead-letter stream is declared in: the application's. */
	JetStreamOptions deadLetterOptions() {
		JetStreamApi api = (this.reconciler != null) ? this.reconciler.getJetStreamApi() : JetStreamApi.connected();
		return api.options(this.requestTimeout);
	}

	/**
	 * Whether missing consumers and buckets may be created ({@code nats.jetstream.reconcile.mode} update or
	 * create-only).
	 * @return {@code true} if the listener may create what it needs
	 */
	boolean mayCreate() {
		if (this.reconciler == null) {
			return true;
		}
		ReconcileMode mode = this.reconciler.getMode();
		return mode == ReconcileMode.UPDATE || mode == ReconcileMode.CREATE_ONLY;
	}

	/**
	 * Declares the dead-letter stream through the reconciler, once; after a reconnect the reconciler keeps it as
	 * declared.
	 * @throws IllegalStateException if the reconciler could not make it real
	 */
	synchronized void ensureDeadLetterStream() {
		if (this.deadLetterStreamEnsured || this.defaults.deadLetterStream() == null || this.reconciler == null) {
			return;
		}
		ReconcileReport report = this.reconciler.ensureStream(this.defaults.deadLetterStream());
		for (ResourceReport resource : report.resources()) {
			if (resource.status() == ResourceStatus.FAILED || resource.status() == ResourceStatus.MISSING) {
				throw new IllegalStateException("The dead-letter stream could not be declared: " + resource
						+ ". Fix it, declare another one (nats.jetstream.listener.dead-letter.*), or opt out "
						+ "(nats.jetstream.listener.dead-letter.declare-stream=false).");
			}
		}
		this.deadLetterStreamEnsured = true;
	}

	/**
	 * The de-duplication store, shared by the listeners; it opens the bucket on the connection current at each use.
	 * @param connectionManager supplies the connection
	 * @return the store
	 */
	synchronized DedupeStore dedupeStore(NatsConnectionManager connectionManager) {
		return this.dedupeStores.computeIfAbsent(this.defaults.dedupeBucket(),
				(bucket) -> new DedupeStore(connectionManager, bucket, this.defaults.dedupeTtl(),
						this.defaults.dedupeStorage(), mayCreate(), this.requestTimeout, getReconciler(),
						(this.reconciler != null) ? this.reconciler.getJetStreamApi() : JetStreamApi.connected()));
	}

	void register(JetStreamContainer container) {
		this.containers.add(container);
	}

	void unregister(JetStreamContainer container) {
		this.containers.remove(container);
	}

	/**
	 * Releases the threads of containers that never stopped, for example when startup failed after they started.
	 */
	@Override
	public void destroy() {
		for (JetStreamContainer container : this.containers) {
			try {
				container.release();
			}
			catch (RuntimeException ex) {
				logger.debug("Releasing " + container.getId() + " failed", ex);
			}
		}
		this.containers.clear();
	}

}
