package io.github.natsspring.autoconfigure;

import java.util.List;

import io.github.natsspring.connection.NatsConnectionDetails;

/**
 * {@link NatsConnectionDetails} from the {@code nats.*} properties.
 */
class PropertiesNatsConnectionDetails implements NatsConnectionDetails {

	private final NatsProperties properties;

	PropertiesNatsConnectionDetails(NatsProperties properties) {
		this.properties = properties;
	}

	@Override
	public List<String> getServers() {
		return this.properties.getServers();
	}

	@Override
	public String getUsername() {
		return this.properties.getUsername();
	}

	@Override
	public String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public String getToken() {
		return this.properties.getToken();
	}

}
