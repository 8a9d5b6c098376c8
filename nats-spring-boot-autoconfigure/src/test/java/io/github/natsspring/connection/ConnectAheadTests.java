package io.github.natsspring.connection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener.Events;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.natsspring.test.NatsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The first connection attempt begins when the manager's bean is ready, ahead of the context's start, and the start
 * takes its outcome: one connection, its events published only once the manager runs, and nothing left connected
 * when the context never starts.
 */
class ConnectAheadTests {

	private final List<Events> clientEvents = new CopyOnWriteArrayList<>();

	private final List<Object> published = new CopyOnWriteArrayList<>();

	private NatsServer server;

	private NatsConnectionManager manager;

	@AfterEach
	void close() {
		if (this.manager != null) {
			this.manager.stop();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void startTakesTheConnectionMadeAheadAndPublishesItsEventsOnlyThen() {
		connectedAhead();
		assertThat(this.manager.getConnectionIfAvailable()).as("not adopted before start").isNull();
		assertThat(this.published).as("no event before start").isEmpty();

		this.manager.start();

		Connection connection = this.manager.getConnection();
		assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
		assertThat(this.manager.getState()).isEqualTo(NatsConnectionState.CONNECTED);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.published).singleElement()
				.satisfies((event) -> assertThat(((NatsConnectionEvent) event).getType())
					.isEqualTo(NatsConnectionEvent.Type.CONNECTED)));
		assertThat(this.clientEvents).as("a single connection was made").containsExactly(Events.CONNECTED);
	}

	@Test
	void aContextThatNeverStartsLeavesNothingConnected() {
		connectedAhead();

		this.manager.destroy();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.clientEvents.contains(Events.CLOSED));
		assertThat(this.published).isEmpty();
		assertThat(this.manager.isRunning()).isFalse();
	}

	@Test
	void failFastReportsAFailedAttemptAheadAtStart() throws IOException {
		this.manager = manager("nats://127.0.0.1:" + freePort(), true);
		this.manager.afterPropertiesSet();

		assertThatExceptionOfType(NatsConnectionException.class).isThrownBy(this.manager::start)
			.withMessageContaining("127.0.0.1");
		assertThat(this.manager.isRunning()).isFalse();
	}

	@Test
	void withoutFailFastAFailedAttemptAheadKeepsConnectingInTheBackground() throws IOException {
		int port = freePort();
		this.manager = manager("nats://127.0.0.1:" + port, false);
		this.manager.afterPropertiesSet();
		this.manager.start();
		assertThat(this.manager.getConnectionIfAvailable()).isNull();

		this.server = NatsServer.builder().port(port).build().start();

		await().atMost(Duration.ofSeconds(15)).until(() -> this.manager.getConnectionIfAvailable() != null);
		assertThat(this.manager.getState()).isEqualTo(NatsConnectionState.CONNECTED);
	}

	/** A server, and a manager whose attempt ahead has connected to it (its bean is ready; not started). */
	private void connectedAhead() {
		this.server = NatsServer.builder().build().start();
		this.manager = manager(this.server.url(), true);
		this.manager.afterPropertiesSet();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.clientEvents.contains(Events.CONNECTED));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private NatsConnectionManager manager(String url, boolean failFast) {
		Options options = new Options.Builder().server(url)
			.connectionTimeout(Duration.ofSeconds(2))
			.reconnectWait(Duration.ofMillis(100))
			.connectionListener((connection, type) -> this.clientEvents.add(type))
			.build();
		NatsConnectionManager created = new NatsConnectionManager(options, Duration.ofSeconds(1), failFast);
		created.setApplicationEventPublisher(this.published::add);
		return created;
	}

}
