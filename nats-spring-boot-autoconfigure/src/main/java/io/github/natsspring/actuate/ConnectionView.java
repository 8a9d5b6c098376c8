package io.github.natsspring.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.Statistics;
import io.nats.client.api.ServerInfo;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsConnectionState;
import io.github.natsspring.connection.Redaction;

/**
 * The {@code connection} section: where the client is connected, to which server, and its traffic. Server URLs
 * lose their user-info; passwords, tokens and seeds are never read.
 */
final class ConnectionView {

	private ConnectionView() {
	}

	static Map<String, Object> describe(NatsConnectionManager connectionManager) {
		NatsConnectionState state = connectionManager.getState();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", state.name());
		details.put("servers", Redaction.redactServers(connectionManager.getServers()));
		Connection connection = connectionManager.getConnectionIfAvailable();
		if (connection != null && state.isConnected()) {
			details.put("connectedUrl", Redaction.redact(connection.getConnectedUrl()));
			ServerInfo info = connection.getServerInfo();
			if (info != null) {
				details.put("serverId", info.getServerId());
				details.put("serverName", info.getServerName());
				details.put("version", info.getVersion());
				if (info.getCluster() != null) {
					details.put("cluster", info.getCluster());
				}
				details.put("jetStream", info.isJetStreamAvailable());
			}
			try {
				Duration rtt = connection.RTT();
				details.put("rtt", rtt.toNanos() / 1_000_000.0 + "ms");
			}
			catch (Exception ex) {
				details.put("rtt", "unavailable: " + Redaction.redact(ex.getMessage()));
			}
			details.put("pendingMessages", connection.outgoingPendingMessageCount());
			details.put("pendingBytes", connection.outgoingPendingBytes());
		}
		if (connection != null) {
			Statistics statistics = connection.getStatistics();
			details.put("inMessages", statistics.getInMsgs());
			details.put("outMessages", statistics.getOutMsgs());
			details.put("inBytes", statistics.getInBytes());
			details.put("outBytes", statistics.getOutBytes());
			details.put("reconnects", statistics.getReconnects());
			details.put("dropped", statistics.getDroppedCount());
			details.put("outstandingRequests", statistics.getOutstandingRequests());
		}
		if (!state.isConnected() && connectionManager.getLastError() != null) {
			details.put("lastError", connectionManager.getLastError());
			details.put("lastErrorTime", String.valueOf(connectionManager.getLastErrorTime()));
		}
		return details;
	}

}
