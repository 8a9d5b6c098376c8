package io.github.natsspring.jetstream.reconcile;

import io.nats.client.support.ServerVersion;

/**
 * The version of the server being reconciled, which decides what may change and what the server knows about.
 *
 * @param version the server's version, for example {@code 2.10.27}
 */
record ConnectedServer(String version) {

	boolean isAtLeast(String required) {
		return new ServerVersion(this.version).compareTo(new ServerVersion(required)) >= 0;
	}

	@Override
	public String toString() {
		return "nats-server " + this.version;
	}

}
