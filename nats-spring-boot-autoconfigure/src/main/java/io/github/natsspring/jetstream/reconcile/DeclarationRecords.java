package io.github.natsspring.jetstream.reconcile;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generic operations on the declaration records: copying with another name, and merging two declarations of the
 * same resource field by field (the same field declared twice with different values is an error).
 */
final class DeclarationRecords {

	private DeclarationRecords() {
	}

	static <R extends Record> R withName(R declaration, String name) {
		return with(declaration, "name", name);
	}

	/**
	 * A copy of a declaration with one field replaced.
	 * @param declaration the declaration
	 * @param field the record component
	 * @param value its new value
	 * @return the copy
	 */
	static <R extends Record> R with(R declaration, String field, Object value) {
		RecordComponent[] components = declaration.getClass().getRecordComponents();
		Object[] values = values(declaration, components);
		for (int i = 0; i < components.length; i++) {
			if (components[i].getName().equals(field)) {
				values[i] = value;
			}
		}
		return create(declaration, components, values);
	}

	/**
	 * Merges two declarations of one resource.
	 * @param first the first declaration
	 * @param second the second declaration
	 * @param firstOrigin where the first came from (named in errors and kept for the merged one)
	 * @param secondOrigin where the second came from
	 * @return a declaration holding every field either declares
	 * @throws InvalidDeclarationException if both declare a field with different values
	 */
	static <R extends Record> R merge(R first, R second, DeclarationOrigin firstOrigin, DeclarationOrigin secondOrigin) {
		RecordComponent[] components = first.getClass().getRecordComponents();
		Object[] a = values(first, components);
		Object[] b = values(second, components);
		Object[] merged = new Object[components.length];
		for (int i = 0; i < components.length; i++) {
			String field = components[i].getName();
			if (a[i] == null || b[i] == null) {
				merged[i] = (a[i] != null) ? a[i] : b[i];
			}
			else if (field.equals("consumers")) {
				merged[i] = mergeConsumers(asConsumers(a[i]), asConsumers(b[i]), firstOrigin, secondOrigin);
			}
			else if (!a[i].equals(b[i])) {
				String property = Names.kebab(field);
				throw new InvalidDeclarationException(firstOrigin.describe(property),
						"declared twice with different values: " + a[i] + " (" + firstOrigin + ") and " + b[i] + " ("
								+ secondOrigin + ")",
						"Declare " + property + " in one place only, or give both declarations the same value.");
			}
			else {
				merged[i] = a[i];
			}
		}
		return create(first, components, merged);
	}

	private static Map<String, ConsumerDeclaration> mergeConsumers(Map<String, ConsumerDeclaration> first,
			Map<String, ConsumerDeclaration> second, DeclarationOrigin firstOrigin, DeclarationOrigin secondOrigin) {
		Map<String, ConsumerDeclaration> merged = new LinkedHashMap<>();
		first.forEach((key, consumer) -> merged.put(Names.resolve(consumer.name(), key), withName(consumer,
				Names.resolve(consumer.name(), key))));
		second.forEach((key, consumer) -> {
			String name = Names.resolve(consumer.name(), key);
			ConsumerDeclaration named = withName(consumer, name);
			ConsumerDeclaration existing = merged.get(name);
			merged.put(name, (existing != null) ? merge(existing, named,
					firstOrigin.nested("consumers[" + name + "]"), secondOrigin.nested("consumers[" + name + "]"))
					: named);
		});
		return merged;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, ConsumerDeclaration> asConsumers(Object value) {
		return (Map<String, ConsumerDeclaration>) value;
	}

	private static Object[] values(Record record, RecordComponent[] components) {
		Object[] values = new Object[components.length];
		try {
			for (int i = 0; i < components.length; i++) {
				values[i] = components[i].getAccessor().invoke(record);
			}
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot read " + record.getClass().getSimpleName(), ex);
		}
		return values;
	}

	@SuppressWarnings("unchecked")
	private static <R extends Record> R create(R template, RecordComponent[] components, Object[] values) {
		Class<?>[] types = new Class<?>[components.length];
		for (int i = 0; i < components.length; i++) {
			types[i] = components[i].getType();
		}
		try {
			Constructor<?> constructor = template.getClass().getDeclaredConstructor(types);
			return (R) constructor.newInstance(values);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot create " + template.getClass().getSimpleName(), ex);
		}
	}

}
