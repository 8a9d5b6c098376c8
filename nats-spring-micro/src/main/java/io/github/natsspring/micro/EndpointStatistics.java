package io.github.natsspring.micro;

import io.github.natsspring.listener.ServiceError;

/**
 * The counters behind {@link EndpointStats}, updated by the workers and read by discovery, consistently.
 */
final class EndpointStatistics {

	private final EndpointDefinition endpoint;

	private long requests;

	private long errors;

	private long processingNanos;

	private String lastError = "";

	EndpointStatistics(EndpointDefinition endpoint) {
		this.endpoint = endpoint;
	}

	synchronized void record(long nanos, ServiceError error) {
		this.requests++;
		this.processingNanos += nanos;
		if (error != null) {
			this.errors++;
			this.lastError = describe(error);
		}
	}

	/**
	 * The reply of a request already counted could not be sent: it becomes an error.
	 */
	synchronized void recordReplyFailure(ServiceError error) {
		this.errors++;
		this.lastError = describe(error);
	}

	synchronized void reset() {
		this.requests = 0;
		this.errors = 0;
		this.processingNanos = 0;
		this.lastError = "";
	}

	synchronized EndpointStats snapshot() {
		long average = (this.requests > 0) ? this.processingNanos / this.requests : 0;
		return new EndpointStats(this.endpoint.name(), this.endpoint.subject(), this.endpoint.queueGroup(),
				this.requests, this.errors, this.lastError, this.processingNanos, average);
	}

	/**
	 * How {@code last_error} shows an error: {@code code:description}, as the Go implementation does.
	 */
	static String describe(ServiceError error) {
		return error.code() + ":" + error.description();
	}

}
