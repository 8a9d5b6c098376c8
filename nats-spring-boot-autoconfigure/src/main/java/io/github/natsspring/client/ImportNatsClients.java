package io.github.natsspring.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;

/**
 * Registers a bean for each typed NATS client interface, on a {@code @Configuration} class (or the
 * {@code @SpringBootApplication} class). Lists the interfaces ({@link #types()}), or scans packages for interfaces
 * annotated with {@link NatsExchange} ({@link #basePackages()}, {@link #basePackageClasses()}); with no attribute
 * at all, the package of the annotated class is scanned.
 *
 * <pre>{@code
 * @SpringBootApplication
 * @ImportNatsClients(BillingClient.class)
 * class Application { ... }
 * }</pre>
 * Each bean is a proxy over the application's {@code NatsTemplate} (and {@code JetStreamTemplate} for
 * {@link JetStreamPublish} methods), built while the context starts, with every method checked: a method that
 * cannot be served fails startup with a message naming it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(ImportNatsClients.Container.class)
@Import(NatsClientsRegistrar.class)
public @interface ImportNatsClients {

	/**
	 * Alias for {@link #types()}.
	 * @return the client interfaces
	 */
	@AliasFor("types")
	Class<?>[] value() default {};

	/**
	 * Client interfaces to register; they need no {@link NatsExchange} annotation.
	 * @return the client interfaces
	 */
	@AliasFor("value")
	Class<?>[] types() default {};

	/**
	 * Packages to scan for interfaces annotated with {@link NatsExchange}.
	 * @return the packages
	 */
	String[] basePackages() default {};

	/**
	 * Type-safe alternative to {@link #basePackages()}: the package of each class is scanned.
	 * @return classes whose packages to scan
	 */
	Class<?>[] basePackageClasses() default {};

	/**
	 * Holds several {@link ImportNatsClients} annotations.
	 */
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@Import(NatsClientsRegistrar.class)
	@interface Container {

		/**
		 * The annotations.
		 * @return the annotations
		 */
		ImportNatsClients[] value();

	}

}
