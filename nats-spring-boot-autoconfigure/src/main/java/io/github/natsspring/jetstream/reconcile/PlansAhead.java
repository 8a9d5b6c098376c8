package io.github.natsspring.jetstream.reconcile;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import io.nats.client.Connection;

import io.github.natsspring.jetstream.reconcile.ReconcileRun.Plan;

/**
 * The startup reconciliation's plans, made while the rest of the application is still being built: on the
 * connection the manager makes ahead of its start, in a thread of their own. Planning only reads (every declared
 * resource and the comparison with it); the reconciler's start applies the plans, so a context that fails before
 * it starts has written nothing. On a restart with nothing to change, the start only reports.
 */
final class PlansAhead {

	private final Connection connection;

	private final JetStreamTopology topology;

	private final ReconcileRun run;

	private final List<ManagedResource<?, ?, ?>> resources;

	private final List<Plan<?, ?, ?>> plans;

	private final Exception failure;

	private PlansAhead(Connection connection, JetStreamTopology topology, ReconcileRun run,
			List<ManagedResource<?, ?, ?>> resources, List<Plan<?, ?, ?>> plans, Exception failure) {
		this.connection = connection;
		this.topology = topology;
		this.run = run;
		this.resources = resources;
		this.plans = plans;
		this.failure = failure;
	}

	/**
	 * Plans once the connection ahead is there.
	 * @param connectionAhead the manager's attempt ahead
	 * @param topology the declarations to plan
	 * @param runs a run on a connection
	 * @param resources the resources of the topology
	 * @return the plans; {@code null} when the attempt failed or no run could be made on its connection
	 */
	static CompletableFuture<PlansAhead> begin(CompletionStage<Connection> connectionAhead, JetStreamTopology topology,
			Function<Connection, ReconcileRun> runs, List<ManagedResource<?, ?, ?>> resources) {
		return connectionAhead.handleAsync((connection, failed) -> (failed != null) ? null
				: plan(connection, topology, runs, resources), (task) -> {
					Thread thread = new Thread(task, "nats-jetstream-plan");
					thread.setDaemon(true);
					thread.start();
				}).toCompletableFuture();
	}

	private static PlansAhead plan(Connection connection, JetStreamTopology topology,
			Function<Connection, ReconcileRun> runs, List<ManagedResource<?, ?, ?>> resources) {
		ReconcileRun run;
		try {
			run = runs.apply(connection);
		}
		catch (RuntimeException ex) {
			// no JetStream, for example: the start makes the run again and reports why
			return null;
		}
		try {
			return new PlansAhead(connection, topology, run, resources, run.planAll(resources), null);
		}
		catch (IOException | RuntimeException ex) {
			// reported by the start, where the same failure of a run planned there would be
			return new PlansAhead(connection, topology, run, resources, null, ex);
		}
	}

	/**
	 * Whether these plans are the ones the start would make: on the connection it adopted, for the declarations it
	 * has (code declares nothing before the start: that needs the connection).
	 */
	boolean isFor(Connection adopted, JetStreamTopology current) {
		return this.connection == adopted && this.topology == current;
	}

	ReconcileRun run() {
		return this.run;
	}

	List<ManagedResource<?, ?, ?>> resources() {
		return this.resources;
	}

	/**
	 * The plans, one per resource in order.
	 * @throws IOException when JetStream did not answer while planning
	 */
	List<Plan<?, ?, ?>> plans() throws IOException {
		if (this.failure instanceof IOException io) {
			throw io;
		}
		if (this.failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		return this.plans;
	}

}
