package io.github.natsspring.actuate;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.Redaction;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.reconcile.JetStreamReconcileException;
import io.github.natsspring.jetstream.reconcile.JetStreamReconciler;
import io.github.natsspring.jetstream.reconcile.ReconcileReport;
import io.github.natsspring.jetstream.reconcile.TopologyInspection;
import io.github.natsspring.listener.ListenerContainer;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * {@code /actuator/nats}: in one place, the connection, every listener and watcher, every service, and the declared
 * JetStream topology compared with what the server has now.
 * <ul>
 * <li>{@code GET /actuator/nats}: everything, with the topology's state per resource and, where it differs, each
 * declared and actual value;</li>
 * <li>{@code GET /actuator/nats/topology/{name}} (a stream or bucket, or {@code {stream}/{consumer}}): one resource
 * in full: declared, actual, the server's configuration and the plan the reconciler would run;</li>
 * <li>{@code POST /actuator/nats/topology}: runs the reconciler now, in its configured mode, when
 * {@code nats.actuator.reconcile-enabled=true}.</li>
 * </ul>
 * The topology and the consumers' server-side state are read on request (drift made with the {@code nats} CLI shows
 * at the next read) and reused for {@code nats.actuator.cache-time-to-live}, so polling cannot flood the JetStream
 * API. Nothing here does I/O while NATS is not connected, and no credential is ever shown.
 */
@Endpoint(id = "nats")
public class NatsActuatorEndpoint {

	private static final String TOPOLOGY = "topology";

	private final NatsConnectionManager connectionManager;

	private final Supplier<NatsListenerEndpointRegistry> listeners;

	private final Supplier<JetStreamReconciler> reconciler;

	private final Supplier<List<NatsEndpointSection>> sections;

	private final boolean reconcileEnabled;

	private final Duration requestTimeout;

	private final TimedCache<ServerState> serverState;

	/**
	 * Creates the endpoint.
	 * @param connectionManager the connection
	 * @param listeners the listeners' registry, or a supplier of {@code null} without listener support
	 * @param reconciler the reconciler, or a supplier of {@code null} without JetStream support
	 * @param sections further sections (services)
	 * @param cacheTimeToLive how long what was read from the server is reused
	 * @param reconcileEnabled whether the write operation may run the reconciler
	 * @param requestTimeout the timeout of each JetStream API request
	 */
	public NatsActuatorEndpoint(NatsConnectionManager connectionManager,
			Supplier<NatsListenerEndpointRegistry> listeners, Supplier<JetStreamReconciler> reconciler,
			Supplier<List<NatsEndpointSection>> sections, Duration cacheTimeToLive, boolean reconcileEnabled,
			Duration requestTimeout) {
		this.connectionManager = connectionManager;
		this.listeners = listeners;
		this.reconciler = reconciler;
		this.sections = sections;
		this.reconcileEnabled = reconcileEnabled;
		this.requestTimeout = requestTimeout;
		this.serverState = new TimedCache<>(cacheTimeToLive, this::readServer);
	}

	@ReadOperation
	public Map<String, Object> nats() {
		ServerState server = this.serverState.get();
		Map<String, Object> nats = new LinkedHashMap<>();
		nats.put("connection", ConnectionView.describe(this.connectionManager));
		NatsListenerEndpointRegistry registry = this.listeners.get();
		if (registry != null) {
			nats.put("listeners", ListenersView.describe(registry.getContainers(), server.consumers()));
		}
		for (NatsEndpointSection section : this.sections.get()) {
			nats.put(section.getName(), section.describe());
		}
		if (this.reconciler.get() != null) {
			nats.put(TOPOLOGY, (server.topology() != null) ? TopologyView.summary(server.topology())
					: unavailable(server));
		}
		return Redacted.copy(nats);
	}

	/**
	 * One declared resource in full.
	 * @param section {@code topology}
	 * @param name a stream or bucket name, or the stream and the durable name of a consumer
	 * @return the resource, {@code null} (404) when nothing of that name is declared
	 */
	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> resource(@Selector String section,
			@Selector(match = Selector.Match.ALL_REMAINING) String[] name) {
		if (!TOPOLOGY.equals(section) || this.reconciler.get() == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		ServerState server = this.serverState.get();
		if (server.topology() == null) {
			return new WebEndpointResponse<>(Redacted.copy(unavailable(server)),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
		String path = String.join("/", name);
		return server.topology()
			.find(path)
			.map((resource) -> new WebEndpointResponse<>(
					Redacted.copy(TopologyView.full(server.topology(), resource)), WebEndpointResponse.STATUS_OK))
			.orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
	}

	/**
	 * Runs the reconciler now in its configured mode ({@code validate} writes nothing) and returns its report.
	 * @param section {@code topology}
	 * @return the report; 403 unless {@code nats.actuator.reconcile-enabled=true}, 409 when a conflict stopped it
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> reconcile(@Selector String section) {
		JetStreamReconciler current = this.reconciler.get();
		if (!TOPOLOGY.equals(section) || current == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		if (!this.reconcileEnabled) {
			return new WebEndpointResponse<>(Map.of("error", "Reconciling from the endpoint is off; set "
					+ "nats.actuator.reconcile-enabled=true to allow it."), 403);
		}
		Connection connection = this.connectionManager.getConnectionIfAvailable();
		if (connection == null) {
			return new WebEndpointResponse<>(Map.of("error", "NATS is not connected"),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
		try {
			ReconcileReport report = current.reconcile(connection);
			return new WebEndpointResponse<>(Redacted.copy(TopologyView.report(report)),
					WebEndpointResponse.STATUS_OK);
		}
		catch (JetStreamReconcileException ex) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("error", ex.getMessage());
			body.put("nothingWritten", ex.isNothingWritten());
			if (ex.getReport() != null) {
				body.put("report", TopologyView.report(ex.getReport()));
			}
			return new WebEndpointResponse<>(Redacted.copy(body), 409);
		}
		finally {
			// the next read shows what the run did
			this.serverState.invalidate();
		}
	}

	private static Map<String, Object> unavailable(ServerState server) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", "unknown");
		details.put("reason", server.problem());
		return details;
	}

	/**
	 * Reads what the endpoint shows from the server: the topology, and each durable JetStream listener's consumer.
	 */
	private ServerState readServer() {
		Connection connection = this.connectionManager.getConnectionIfAvailable();
		if (connection == null || !this.connectionManager.getState().isConnected()) {
			return new ServerState(null, Map.of(), "NATS is not connected");
		}
		TopologyInspection topology = null;
		String problem = null;
		JetStreamReconciler current = this.reconciler.get();
		if (current != null) {
			try {
				topology = current.inspect();
			}
			catch (JetStreamReconcileException ex) {
				problem = ex.getMessage();
			}
		}
		return new ServerState(topology, readConsumers(connection), (topology != null) ? null
				: (problem != null) ? problem : "NATS is not connected");
	}

	private Map<String, Map<String, Object>> readConsumers(Connection connection) {
		NatsListenerEndpointRegistry registry = this.listeners.get();
		if (registry == null || connection.getServerInfo() == null
				|| !connection.getServerInfo().isJetStreamAvailable()) {
			return Map.of();
		}
		Set<String> consumers = new LinkedHashSet<>();
		Collection<ListenerContainer> containers = registry.getContainers();
		containers.forEach((container) -> {
			String consumer = ListenersView.consumerOf(container.describe());
			if (consumer != null) {
				consumers.add(consumer);
			}
		});
		if (consumers.isEmpty()) {
			return Map.of();
		}
		Map<String, Map<String, Object>> infos = new LinkedHashMap<>();
		for (String consumer : consumers) {
			int slash = consumer.indexOf('/');
			String stream = consumer.substring(0, slash);
			try {
				JetStreamManagement jsm = connection.jetStreamManagement(jetStreamApi(stream).options(this.requestTimeout));
				infos.put(consumer, consumerInfo(jsm, stream, consumer.substring(slash + 1)));
			}
			catch (IOException ex) {
				infos.put(consumer, Map.of("error", String.valueOf(ex.getMessage())));
			}
		}
		return infos;
	}

	/** The JetStream a stream lives in: the application's, or the domain its declaration names. */
	private JetStreamApi jetStreamApi(String stream) {
		JetStreamReconciler current = this.reconciler.get();
		if (current == null) {
			return JetStreamApi.connected();
		}
		JetStreamApi api = current.getJetStreamApi();
		return current.getTopology()
			.getStream(stream)
			.map((declared) -> api.forDomain(declared.declaration().domain()))
			.orElse(api);
	}

	private static Map<String, Object> consumerInfo(JetStreamManagement jsm, String stream, String consumer) {
		Map<String, Object> details = new LinkedHashMap<>();
		try {
			ConsumerInfo info = jsm.getConsumerInfo(stream, consumer);
			details.put("numPending", info.getNumPending());
			details.put("numAckPending", info.getNumAckPending());
			details.put("numRedelivered", info.getRedelivered());
			details.put("numWaiting", info.getNumWaiting());
			if (info.getDelivered() != null) {
				details.put("deliveredStreamSequence", info.getDelivered().getStreamSequence());
			}
			if (info.getAckFloor() != null) {
				details.put("ackFloorStreamSequence", info.getAckFloor().getStreamSequence());
			}
			if (info.getPaused()) {
				details.put("paused", true);
			}
		}
		catch (JetStreamApiException ex) {
			details.put("error", ex.getErrorDescription() + " (error " + ex.getApiErrorCode() + ")");
		}
		catch (IOException ex) {
			details.put("error", Redaction.redact(String.valueOf(ex.getMessage())));
		}
		return details;
	}

	/**
	 * What was read from the server at one moment.
	 *
	 * @param topology the inspected topology, {@code null} when it could not be read
	 * @param consumers the server's view of each durable listener's consumer, by {@code stream/consumer}
	 * @param problem why the topology could not be read
	 */
	private record ServerState(TopologyInspection topology, Map<String, Map<String, Object>> consumers,
			String problem) {
	}

}
