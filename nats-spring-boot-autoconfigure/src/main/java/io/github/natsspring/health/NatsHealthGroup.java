package io.github.natsspring.health;

import java.util.Map;

import org.springframework.boot.health.contributor.HealthContributor;

/**
 * A group of members under the {@code nats} health component, such as {@code listeners} or {@code services}.
 * Declare a bean of this type to add one; members are computed at each health check, so components that appear
 * while the application runs show up.
 */
public interface NatsHealthGroup {

	/**
	 * The group's name under {@code nats}.
	 * @return the name
	 */
	String getName();

	/**
	 * The current members by name; an empty map hides the group.
	 * @return the members
	 */
	Map<String, HealthContributor> getMembers();

}
