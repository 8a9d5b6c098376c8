package io.github.natsspring.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.api.ServerInfo;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.connection.NatsConnectionState;
import io.github.natsspring.connection.Redaction;

/**
 * Health of the NATS connection: UP when connected, with the server's name, version and cluster, the servers the
 * cluster advertises, and the round-trip time;
 * DOWN while connecting, reconnecting or closed, with the last error. Never shows a credential.
 */
public class NatsConnectionHealthIndicator implements HealthIndicator {

	private final NatsConnectionManager connectionManager;

	public NatsConnectionHealthIndicator(NatsConnectionManager connectionManager) {
		this.connectionManager = connectionManager;
	}

	@Override
	public Health health() {
		NatsConnectionState state = this.connectionManager.getState();
		Connection connection = this.connectionManager.getConnectionIfAvailable();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", state.name());
		details.put("servers", this.connectionManager.getServers());
		if (connection != null && state.isConnected()) {
			details.put("connectedUrl", Redaction.redact(connection.getConnectedUrl()));
			ServerInfo info = connection.getServerInfo();
			if (info != null) {
				details.put("serverName", info.getServerName());
				details.put("serverId", info.getServerId());
				details.put("version", info.getVersion());
				if (info.getCluster() != null) {
					details.put("cluster", info.getCluster());
				}
				// what the cluster advertises: where the client fails over to, also servers not configured
				List<String> discovered = info.getConnectURLs();
				if (discovered != null && !discovered.isEmpty()) {
					details.put("discoveredServers", Redaction.redactServers(discovered));
				}
				details.put("jetStream", info.isJetStreamAvailable());
			}
			try {
				Duration rtt = connection.RTT();
				details.put("rtt", rtt.toNanos() / 1_000_000.0 + "ms");
			}
			catch (Exception ex) {
				details.put("rtt", "unavailable: " + Redaction.redact(ex.getMessage()));
				return Health.down().withDetails(details).build();
			}
			details.put("reconnects", connection.getStatistics().getReconnects());
			return Health.up().withDetails(details).build();
		}
		if (this.connectionManager.getLastError() != null) {
			details.put("lastError", this.connectionManager.getLastError());
			details.put("lastErrorTime", String.valueOf(this.connectionManager.getLastErrorTime()));
		}
		return Health.down().withDetails(details).build();
	}

}
