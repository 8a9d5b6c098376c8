package io.github.natsspring.listener;

/**
 * An annotated method waiting to be driven: built by a {@link NatsListenerEndpointFactory} while beans are created
 * (no I/O), turned into a {@link ListenerContainer} when the registry starts.
 */
public interface NatsListenerEndpoint {

	/**
	 * The endpoint's id, unique in the application.
	 * @return the id
	 */
	String getId();

	/**
	 * A description for logs and errors, naming the annotation and the method.
	 * @return the description
	 */
	String describe();

	/**
	 * Creates the container that runs this endpoint.
	 * @param context the shared listener infrastructure
	 * @return a new container
	 */
	ListenerContainer createContainer(ListenerContext context);

	/**
	 * Whether the container starts with the application; otherwise
	 * {@link NatsListenerEndpointRegistry#startContainer(String)} starts it.
	 * @return whether to start automatically
	 */
	default boolean isAutoStartup() {
		return true;
	}

}
