package io.github.natsspring.listener;

import java.time.Duration;
import java.util.Map;

import io.nats.client.Connection;

/**
 * Runs one listener endpoint against the NATS connection: subscribes, hands messages to the method, and on stop
 * finishes what is in flight. Containers are created and driven by the {@link NatsListenerEndpointRegistry}.
 */
public interface ListenerContainer {

	/**
	 * The endpoint's id.
	 * @return the id
	 */
	String getId();

	/**
	 * The kind of listener, as in metrics: {@code subscription}, {@code jetstream}, {@code kv}.
	 * @return the kind
	 */
	default String getKind() {
		return "listener";
	}

	/**
	 * Starts consuming.
	 * @param connection the established connection
	 */
	void start(Connection connection);

	/**
	 * Stops taking new messages without waiting for those in flight. The registry calls this on every container,
	 * one after another, before it waits for them in parallel with {@link #stop(Duration)}: jnats counts each
	 * concurrent flush as an outstanding ping, and too many at once would drop the connection.
	 * @param timeout how long in-flight messages may take
	 */
	default void beginStop(Duration timeout) {
	}

	/**
	 * Stops taking new messages (if {@link #beginStop} was not called) and waits for those in flight, at most the
	 * timeout.
	 * @param timeout how long in-flight messages may take
	 */
	void stop(Duration timeout);

	/**
	 * Whether the container consumes now.
	 * @return {@code true} between start and stop
	 */
	boolean isRunning();

	/**
	 * Whether the container works as it should; by default whether it runs. JetStream containers also report a
	 * missing consumer or a stalled pull loop here.
	 * @return {@code true} when healthy
	 */
	default boolean isHealthy() {
		return isRunning();
	}

	/**
	 * What the container wants to show in health details; no secrets, no payloads.
	 * @return the details
	 */
	default Map<String, Object> describe() {
		return Map.of("id", getId(), "running", isRunning());
	}

}
