package io.github.natsspring.jetstream.reconcile;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * One setting of a resource as the reconciler sees it: how to read it from a declaration and from the server's
 * configuration (both normalised so that equal means equal), how to write it into a configuration builder, which
 * server version first knows it, and whether an existing resource may change it.
 *
 * @param <D> the declaration type
 * @param <C> the server configuration type
 * @param <B> the configuration builder type
 */
final class FieldSpec<D, C, B> {

	private final String property;

	private final Function<D, Object> declared;

	private final Function<C, Object> actual;

	private final BiConsumer<B, D> writer;

	private Function<Object, String> since = (value) -> null;

	private ChangeRule rule = ChangeRule.EDITABLE;

	private Function<Object, String> formatter = Values::format;

	private BiPredicate<Object, Object> same = Objects::equals;

	private BiFunction<Object, Object, Object> within = (declared, actual) -> actual;

	private UpdateWriter<D, C, B> updateWriter;

	private FieldSpec(String property, Function<D, Object> declared, Function<C, Object> actual, BiConsumer<B, D> writer) {
		this.property = property;
		this.declared = declared;
		this.actual = actual;
		this.writer = writer;
	}

	/**
	 * Describes a setting.
	 * @param property the property name users declare
	 * @param declared reads the normalised declared value, {@code null} when not declared
	 * @param actual reads the normalised value from a server configuration
	 * @param writer writes the declared value into a builder
	 * @return the spec
	 */
	static <D, C, B> FieldSpec<D, C, B> of(String property, Function<D, Object> declared, Function<C, Object> actual,
			BiConsumer<B, D> writer) {
		return new FieldSpec<>(property, declared, actual, writer);
	}

	/** The first server version that knows this setting. */
	FieldSpec<D, C, B> since(String version) {
		this.since = (value) -> version;
		return this;
	}

	/** The first server version that knows the given declared value, {@code null} for all. */
	FieldSpec<D, C, B> since(Function<Object, String> version) {
		this.since = version;
		return this;
	}

	FieldSpec<D, C, B> rule(ChangeRule rule) {
		this.rule = rule;
		return this;
	}

	FieldSpec<D, C, B> format(Function<Object, String> formatter) {
		this.formatter = formatter;
		return this;
	}

	FieldSpec<D, C, B> sameWhen(BiPredicate<Object, Object> same) {
		this.same = same;
		return this;
	}

	/**
	 * Compares the declared value with only the part of the server's value it speaks about, for example the
	 * declared keys of a metadata map.
	 * @param within maps the declared and the whole actual value to the part compared and reported
	 * @return this spec
	 */
	FieldSpec<D, C, B> compareWithin(BiFunction<Object, Object, Object> within) {
		this.within = within;
		return this;
	}

	/**
	 * Writes the declared value into a builder holding the server's configuration in a way other than
	 * {@link #write}, for example merging declared metadata keys into the server's.
	 * @param updateWriter writes the value for an update
	 * @return this spec
	 */
	FieldSpec<D, C, B> updateWith(UpdateWriter<D, C, B> updateWriter) {
		this.updateWriter = updateWriter;
		return this;
	}

	String property() {
		return this.property;
	}

	Object declared(D declaration) {
		return this.declared.apply(declaration);
	}

	/**
	 * The server's value as far as the declared value speaks about it.
	 * @param configuration the server's configuration
	 * @param declaredValue the normalised declared value
	 * @return the normalised actual value
	 */
	Object actual(C configuration, Object declaredValue) {
		return this.within.apply(declaredValue, this.actual.apply(configuration));
	}

	/** Writes the declared value into a builder for a new resource. */
	void write(B builder, D declaration) {
		this.writer.accept(builder, declaration);
	}

	/** Writes the declared value into a builder that holds the server's configuration {@code actual}. */
	void writeUpdate(B builder, D declaration, C actual) {
		if (this.updateWriter != null) {
			this.updateWriter.write(builder, declaration, actual);
		}
		else {
			this.writer.accept(builder, declaration);
		}
	}

	String requiredVersion(Object declaredValue) {
		return this.since.apply(declaredValue);
	}

	ChangeRule rule() {
		return this.rule;
	}

	String format(Object value) {
		return this.formatter.apply(value);
	}

	boolean same(Object declaredValue, Object actualValue) {
		return this.same.test(declaredValue, actualValue);
	}

	/**
	 * Writes a declared value for an update, knowing the server's configuration.
	 */
	@FunctionalInterface
	interface UpdateWriter<D, C, B> {

		void write(B builder, D declaration, C actual);

	}

}
