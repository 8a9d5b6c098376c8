package io.github.natsspring.autoconfigure;

import io.nats.client.Options;

/**
 * Customizes the jnats {@link Options.Builder} after the {@code nats.*} properties were applied, for settings the
 * properties don't cover. Declare beans of this type; they run in {@link org.springframework.core.Ordered order}.
 *
 * <pre>{@code
 * @Bean
 * NatsOptionsBuilderCustomizer bigBuffers() {
 *     return (builder) -> builder.bufferSize(256 * 1024);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface NatsOptionsBuilderCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder
	 */
	void customize(Options.Builder builder);

}
