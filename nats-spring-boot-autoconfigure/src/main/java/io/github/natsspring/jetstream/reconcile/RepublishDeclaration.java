package io.github.natsspring.jetstream.reconcile;

/**
 * Republishing of stored messages to core NATS subjects.
 *
 * @param source the stored subjects to republish, wildcards allowed
 * @param destination the subject to republish to
 * @param headersOnly whether only the headers are republished, without the payload
 */
public record RepublishDeclaration(String source, String destination, Boolean headersOnly) {

	@Override
	public String toString() {
		return this.source + " -> " + this.destination + (Boolean.TRUE.equals(this.headersOnly) ? " (headers only)" : "");
	}

}
