package io.github.natsspring.connection;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Subscription;
import io.nats.client.api.ServerInfo;
import io.nats.client.impl.ErrorListenerLoggerImpl;
import io.nats.client.support.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.natsspring.connection.NatsConnectionEvent.Type;

/**
 * Receives jnats connection and error callbacks and turns them into log lines at sensible levels, state changes
 * of the {@link NatsConnectionManager} and {@link NatsConnectionEvent}s. Callbacks from connections that are not
 * the managed one (failed first attempts) only feed the failure diagnosis. Listeners the user set in the options
 * keep being called.
 */
final class NatsConnectionEvents implements ConnectionListener, ErrorListener {

	private static final Log logger = LogFactory.getLog(NatsConnectionManager.class);

	private final NatsConnectionManager manager;

	private final ConnectionListener userConnectionListener;

	private final ErrorListener userErrorListener;

	NatsConnectionEvents(NatsConnectionManager manager, ConnectionListener userConnectionListener,
			ErrorListener userErrorListener) {
		this.manager = manager;
		this.userConnectionListener = userConnectionListener;
		// jnats puts a logging listener in place when none is set: ours replaces it rather than logging twice
		this.userErrorListener = (userErrorListener instanceof ErrorListenerLoggerImpl) ? null : userErrorListener;
	}

	@Override
	public void connectionEvent(Connection conn, Events type) {
		if (this.userConnectionListener != null) {
			this.userConnectionListener.connectionEvent(conn, type);
		}
		String url = (conn != null) ? Redaction.redact(conn.getConnectedUrl()) : null;
		boolean current = this.manager.isCurrent(conn);
		switch (type) {
			case CONNECTED -> {
				logger.info("Connected to NATS at " + url + serverDescription(conn));
				this.manager.stateChanged(NatsConnectionState.CONNECTED);
				this.manager.publish(new NatsConnectionEvent(this.manager, Type.CONNECTED, url, null));
			}
			case DISCONNECTED -> {
				if (current) {
					logger.warn("Disconnected from NATS" + ((url != null) ? " at " + url : "") + "; reconnecting");
					this.manager.stateChanged(NatsConnectionState.RECONNECTING);
					this.manager.publish(new NatsConnectionEvent(this.manager, Type.DISCONNECTED, url,
							this.manager.getLastError()));
				}
			}
			case RECONNECTED -> {
				if (current) {
					logger.info("Reconnected to NATS at " + url + serverDescription(conn));
					this.manager.stateChanged(NatsConnectionState.CONNECTED);
					if (conn != null) {
						this.manager.warnIfOldServer(conn.getServerInfo());
					}
					this.manager.publish(new NatsConnectionEvent(this.manager, Type.RECONNECTED, url, null));
				}
			}
			case CLOSED -> {
				if (current) {
					if (this.manager.getState() == NatsConnectionState.DRAINING || !this.manager.isRunning()) {
						logger.info("NATS connection closed");
					}
					else {
						logger.warn("NATS connection closed" + ((this.manager.getLastError() != null)
								? " (last error: " + this.manager.getLastError() + ")" : ""));
					}
					this.manager.stateChanged(NatsConnectionState.CLOSED);
					this.manager.publish(new NatsConnectionEvent(this.manager, Type.CLOSED, url, null));
				}
			}
			case LAME_DUCK -> {
				if (current) {
					logger.warn("NATS server at " + url + " entered lame duck mode; the client will move to another "
							+ "server when this one shuts down");
					this.manager.publish(new NatsConnectionEvent(this.manager, Type.LAME_DUCK, url, null));
				}
			}
			case RESUBSCRIBED -> logger.debug("NATS subscriptions re-established");
			case DISCOVERED_SERVERS -> logger.debug("Discovered NATS servers: "
					+ ((conn != null) ? Redaction.redact(String.valueOf(conn.getServers())) : "[]"));
			default -> logger.debug("NATS connection event " + type);
		}
	}

	private static String serverDescription(Connection conn) {
		if (conn == null || conn.getServerInfo() == null) {
			return "";
		}
		ServerInfo info = conn.getServerInfo();
		return " (server " + info.getServerName() + ((info.getCluster() != null) ? ", cluster " + info.getCluster()
				: "") + ", version " + info.getVersion() + ")";
	}

	@Override
	public void errorOccurred(Connection conn, String error) {
		if (this.userErrorListener != null) {
			this.userErrorListener.errorOccurred(conn, error);
		}
		String text = Redaction.redact(error);
		if (!this.manager.isCurrent(conn)) {
			this.manager.attemptServerError(text);
			logger.debug("NATS server error during a connection attempt: " + text);
			return;
		}
		this.manager.recordError(text);
		logger.error("NATS server error: " + text);
		this.manager.publish(new NatsConnectionEvent(this.manager, Type.SERVER_ERROR, connectedUrl(conn), text));
	}

	@Override
	public void exceptionOccurred(Connection conn, Exception exp) {
		if (this.userErrorListener != null) {
			this.userErrorListener.exceptionOccurred(conn, exp);
		}
		String text = Redaction.redact(exp.getClass().getSimpleName()
				+ ((exp.getMessage() != null) ? ": " + exp.getMessage() : ""));
		if (!this.manager.isCurrent(conn)) {
			this.manager.attemptFailed(exp);
			logger.debug("NATS connection attempt failed: " + text);
			return;
		}
		this.manager.recordError(text);
		if (this.manager.getState() == NatsConnectionState.RECONNECTING) {
			// one line per failed reconnect attempt would flood the log while a server is down
			logger.debug("NATS reconnect attempt failed: " + text);
		}
		else {
			logger.warn("NATS connection error: " + text);
		}
		this.manager.publish(new NatsConnectionEvent(this.manager, Type.CLIENT_ERROR, connectedUrl(conn), text));
	}

	@Override
	public void slowConsumerDetected(Connection conn, Consumer consumer) {
		if (this.userErrorListener != null) {
			this.userErrorListener.slowConsumerDetected(conn, consumer);
		}
		String subject = (consumer instanceof Subscription subscription) ? subscription.getSubject() : null;
		String detail = "slow consumer" + ((subject != null) ? " on subject " + subject : "") + ", dropped "
				+ consumer.getDroppedCount() + " messages so far";
		logger.warn("NATS " + detail + "; the handler cannot keep up with the message rate");
		this.manager.publish(new NatsConnectionEvent(this.manager, Type.SLOW_CONSUMER, connectedUrl(conn), detail));
	}

	/**
	 * A pull subscription got a status that jnats handles by itself. A pull the server refused ({@code 409 Exceeded
	 * MaxRequestBatch}, {@code MaxRequestExpires}, {@code MaxRequestMaxBytes}, {@code MaxWaiting}) never delivers
	 * anything and nobody else would say so: logged as a warning. Routine ends of pulls (expired, no messages, batch
	 * or bytes complete) only at debug level.
	 */
	@Override
	public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
		if (this.userErrorListener != null) {
			this.userErrorListener.pullStatusWarning(conn, sub, status);
		}
		String message = status.getMessage();
		if (message != null && message.startsWith(Status.EXCEEDED_MAX_PREFIX)) {
			logger.warn("NATS refused a pull" + pullTarget(sub) + ": " + status.getCode() + " " + message
					+ "; the pull delivers nothing. Ask for less, or raise the consumer's limit.");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("NATS pull" + pullTarget(sub) + " ended with " + status.getCode() + " " + message);
		}
	}

	/**
	 * A pull subscription got a status that ends it (consumer deleted, an unknown 409): jnats throws it to the
	 * subscriber, who reports it; logged at debug level here.
	 */
	@Override
	public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
		if (this.userErrorListener != null) {
			this.userErrorListener.pullStatusError(conn, sub, status);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("NATS pull" + pullTarget(sub) + " failed with " + status.getCode() + " " + status.getMessage());
		}
	}

	private static String pullTarget(JetStreamSubscription sub) {
		if (sub == null) {
			return "";
		}
		String stream = sub.getStreamName();
		String consumer = sub.getConsumerName();
		return (consumer != null) ? " on consumer " + ((stream != null) ? stream + "/" : "") + consumer : "";
	}

	private static String connectedUrl(Connection conn) {
		return (conn != null) ? Redaction.redact(conn.getConnectedUrl()) : null;
	}

}
