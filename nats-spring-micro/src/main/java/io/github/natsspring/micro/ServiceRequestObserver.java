package io.github.natsspring.micro;

import io.github.natsspring.listener.ServiceError;

/**
 * Is told about every request a service handled, after the reply was sent. Declare a bean to feed your own
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
	 * A request was handled.
	 * @param service the service
	 * @param endpoint the endpoint
	 * @param nanos how long it took, until the reply was sent (for asynchronous handlers: until they completed)
	 * @param error the error the request was answered with, or {@code null} if it succeeded
	 */
	void requestHandled(NatsServiceContainer service, EndpointDefinition endpoint, long nanos, ServiceError error);

}
