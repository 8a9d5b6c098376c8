package io.github.natsspring.micro;

import io.github.natsspring.listener.ServiceError;

/**
 * Is told about every request a service handled. Declare a bean to feed your own
 * monitoring; the Micrometer one ({@link MicrometerServiceRequestObserver}) is auto-configured. Called on the
 * worker thread: keep it fast and don't throw.
 */
public interface ServiceRequestObserver {

	/**
	 * A service instance started (its stats start from zero).
	 * @param service the service
	 */
	default void serviceStarted(NatsServiceContainer service) {
	}

	/**
	 * A request was handled; called just before the reply is sent.
	 * @param service the service
	 * @param endpoint the endpoint
	 * @param nanos how long it took: the handler (for asynchronous handlers until their result completed) and
	 * writing the reply
	 * @param error the error the request is answered with, or {@code null} if it succeeded
	 */
	void requestHandled(NatsServiceContainer service, EndpointDefinition endpoint, long nanos, ServiceError error);

	/**
	 * The reply of a request reported as successful by {@link #requestHandled} could not be sent (too large for the
	 * server, or the connection closed); the caller gets this error instead if it can still be sent.
	 * @param service the service
	 * @param endpoint the endpoint
	 * @param error the error
	 */
	default void replyFailed(NatsServiceContainer service, EndpointDefinition endpoint, ServiceError error) {
	}

}
