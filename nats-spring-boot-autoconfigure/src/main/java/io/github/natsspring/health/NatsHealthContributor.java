package io.github.natsspring.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;

/**
 * The {@code nats} health component: {@code connection}, plus groups whose members appear while the application
 * runs ({@code listeners}: one per annotated listener, {@code services}: one per service).
 */
public class NatsHealthContributor implements CompositeHealthContributor {

	private final Map<String, HealthContributor> fixed = new LinkedHashMap<>();

	private final Map<String, Supplier<Map<String, HealthContributor>>> groups = new LinkedHashMap<>();

	public NatsHealthContributor(HealthContributor connection) {
		this.fixed.put("connection", connection);
	}

	/**
	 * Adds a group whose members are computed at each health check.
	 * @param name the group's name
	 * @param members supplies the members by name; an empty map hides the group
	 */
	public void addGroup(String name, Supplier<Map<String, HealthContributor>> members) {
		this.groups.put(name, members);
	}

	@Override
	public HealthContributor getContributor(String name) {
		HealthContributor contributor = this.fixed.get(name);
		if (contributor != null) {
			return contributor;
		}
		Supplier<Map<String, HealthContributor>> group = this.groups.get(name);
		if (group != null) {
			Map<String, HealthContributor> members = group.get();
			return members.isEmpty() ? null : CompositeHealthContributor.fromMap(members);
		}
		return null;
	}

	@Override
	public Stream<HealthContributors.Entry> stream() {
		List<HealthContributors.Entry> entries = new ArrayList<>();
		this.fixed.forEach((name, contributor) -> entries.add(new HealthContributors.Entry(name, contributor)));
		this.groups.forEach((name, group) -> {
			Map<String, HealthContributor> members = group.get();
			if (!members.isEmpty()) {
				entries.add(new HealthContributors.Entry(name, CompositeHealthContributor.fromMap(members)));
			}
		});
		return entries.stream();
	}

}
