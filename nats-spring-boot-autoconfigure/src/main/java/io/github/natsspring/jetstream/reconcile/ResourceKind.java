package io.github.natsspring.jetstream.reconcile;

/**
 * The kinds of JetStream resources the reconciler manages.
 */
public enum ResourceKind {

	STREAM("stream"), CONSUMER("consumer"), KEY_VALUE("key-value bucket"), OBJECT_STORE("object store bucket");

	private final String description;

	ResourceKind(String description) {
		this.description = description;
	}

	@Override
	public String toString() {
		return this.description;
	}

}
