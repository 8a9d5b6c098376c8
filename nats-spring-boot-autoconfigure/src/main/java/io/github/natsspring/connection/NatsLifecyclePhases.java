package io.github.natsspring.connection;

import org.springframework.context.SmartLifecycle;

/**
 * Lifecycle phases of the NATS components. Spring starts lower phases first and stops higher phases first, so
 * on shutdown services and listeners stop (finishing in-flight work) before the connection drains.
 */
public final class NatsLifecyclePhases {

	/** The connection: started first, drained last. */
	public static final int CONNECTION = SmartLifecycle.DEFAULT_PHASE - 4096;

	/** JetStream topology reconciliation: after the connection, before anything consumes. */
	public static final int RECONCILE = CONNECTION + 100;

	/**
	 * Leases, locks and leader election: after reconciliation, so that the coordination bucket joins a topology
	 * already made real; stopped after the listeners finished their in-flight work (which may hold locks) and
	 * before the connection drains, so that every lease is released.
	 */
	public static final int COORDINATION = CONNECTION + 150;

	/** Annotated listeners and watchers. */
	public static final int LISTENERS = CONNECTION + 200;

	/** Request/reply services: started last, stopped first. */
	public static final int SERVICES = CONNECTION + 300;

	private NatsLifecyclePhases() {
	}

}
