package io.github.natsspring.jetstream.reconcile;

/**
 * Where a declaration came from, so that messages name the property (or bean) a user has to change.
 */
public final class DeclarationOrigin {

	private final String propertyPrefix;

	private final String description;

	private DeclarationOrigin(String propertyPrefix, String description) {
		this.propertyPrefix = propertyPrefix;
		this.description = description;
	}

	/**
	 * A declaration bound from configuration properties.
	 * @param prefix the property prefix, for example {@code nats.jetstream.streams[ORDERS]}
	 * @return the origin
	 */
	public static DeclarationOrigin property(String prefix) {
		return new DeclarationOrigin(prefix, null);
	}

	/**
	 * A declaration made in code.
	 * @param description what declared it, for example {@code bean 'ordersStream'}
	 * @return the origin
	 */
	public static DeclarationOrigin code(String description) {
		return new DeclarationOrigin(null, description);
	}

	/**
	 * The origin of something declared inside this declaration.
	 * @param property the property name, for example {@code consumers[worker]}
	 * @return the nested origin
	 */
	public DeclarationOrigin nested(String property) {
		if (this.propertyPrefix != null) {
			return new DeclarationOrigin(this.propertyPrefix + "." + property, null);
		}
		return new DeclarationOrigin(null, property + " of " + this.description);
	}

	/**
	 * Names one setting of this declaration.
	 * @param property the property, for example {@code max-age}
	 * @return {@code nats.jetstream.streams[ORDERS].max-age} or {@code max-age of bean 'ordersStream'}
	 */
	public String describe(String property) {
		if (this.propertyPrefix != null) {
			return this.propertyPrefix + "." + property;
		}
		return property + " of " + this.description;
	}

	public boolean isProperty() {
		return this.propertyPrefix != null;
	}

	@Override
	public String toString() {
		return (this.propertyPrefix != null) ? this.propertyPrefix : this.description;
	}

}
