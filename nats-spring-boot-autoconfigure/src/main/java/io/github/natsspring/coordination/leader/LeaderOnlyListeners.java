package io.github.natsspring.coordination.leader;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

import io.github.natsspring.connection.NatsLifecyclePhases;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * Runs the {@link NatsLeaderOnly} listeners of a role on its leader only: starts them when leadership is granted
 * and stops them (finishing in-flight messages) when it is revoked. Starts after the listener registry, applying
 * the leadership already granted by then.
 */
public class LeaderOnlyListeners implements SmartLifecycle, ApplicationListener<NatsLeaderEvent> {

	private static final Log logger = LogFactory.getLog(LeaderOnlyListeners.class);

	private final NatsListenerEndpointRegistry registry;

	private final LeaderElection election;

	private final Supplier<Map<String, Set<String>>> found;

	private Map<String, Set<String>> listeners = Map.of();

	private boolean running;

	/**
	 * Creates the controller.
	 * @param registry the listener registry
	 * @param election the election
	 * @param listeners supplies the leader-only listener ids by role, asked for at start (once every bean was
	 * inspected)
	 */
	public LeaderOnlyListeners(NatsListenerEndpointRegistry registry, LeaderElection election,
			Supplier<Map<String, Set<String>>> listeners) {
		this.registry = registry;
		this.election = election;
		this.found = listeners;
	}

	@Override
	public int getPhase() {
		return NatsLifecyclePhases.LISTENERS + 10;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.listeners = Map.copyOf(this.found.get());
		this.listeners.forEach((role, ids) -> {
			for (String id : ids) {
				if (this.registry.getContainer(id) == null) {
					throw new IllegalStateException("@NatsLeaderOnly(\"" + role + "\") names listener '" + id
							+ "', which the listener registry does not have");
				}
			}
			if (this.election.isLeader(role)) {
				ids.forEach(this.registry::startContainer);
			}
		});
	}

	@Override
	public synchronized void onApplicationEvent(NatsLeaderEvent event) {
		Set<String> ids = this.listeners.get(event.getRole());
		if (!this.running || ids == null) {
			return;
		}
		for (String id : ids) {
			try {
				if (event instanceof NatsLeaderGrantedEvent) {
					this.registry.startContainer(id);
				}
				else {
					// not the leader: the listener is not expected to run here, so health does not count it DOWN
					this.registry.stopContainerUntilStarted(id);
				}
			}
			catch (RuntimeException ex) {
				logger.error("Could not " + ((event instanceof NatsLeaderGrantedEvent) ? "start" : "stop")
						+ " leader-only listener " + id + " of role '" + event.getRole() + "'", ex);
			}
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

}
