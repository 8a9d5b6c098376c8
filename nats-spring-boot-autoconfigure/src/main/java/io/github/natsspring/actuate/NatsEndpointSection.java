package io.github.natsspring.actuate;

/**
 * A section of {@code /actuator/nats} that another module contributes, such as {@code services} from the micro
 * module. Declare a bean of this type to add one; it is described at every request, so keep it free of network
 * I/O and of secrets.
 */
public interface NatsEndpointSection {

	/**
	 * The section's name in the endpoint's JSON.
	 * @return the name
	 */
	String getName();

	/**
	 * What the section shows now: maps, lists, strings, numbers and booleans.
	 * @return the content
	 */
	Object describe();

}
