package io.github.natsspring.autoconfigure;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

import io.github.natsspring.jetstream.reconcile.ConsumerDeclaration;
import io.github.natsspring.jetstream.reconcile.InvalidDeclarationException;
import io.github.natsspring.jetstream.reconcile.KeyValueDeclaration;
import io.github.natsspring.jetstream.reconcile.ObjectStoreDeclaration;
import io.github.natsspring.jetstream.reconcile.StreamDeclaration;

/**
 * Catches what the binder silently ignores or changes under {@code nats.jetstream}, before a resource is created
 * wrong: map keys that lose characters (Spring Boot 4.0 keeps letters, digits, '-' and '_' of a key that is not in
 * brackets and drops everything else, so {@code orders:eu} becomes {@code orderseu}), and setting names that bind to
 * nothing (a misspelt {@code max-agee} would leave max-age undeclared). Reads the property names as written in the
 * property sources, since the bound maps only have the changed keys.
 */
class JetStreamPropertyKeys implements BeanFactoryPostProcessor, EnvironmentAware {

	private static final String PREFIX = "nats.jetstream.";

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Runs before any bean is created, so before {@code nats.jetstream} is bound: a binding that cannot work would
	 * otherwise fail first, with a less helpful message.
	 */
	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		check(this.environment);
	}

	/**
	 * Fails for a resource name the binder would change that no explicit {@code name} corrects, for a metadata key
	 * the binder would change, and for a setting name that binds to nothing.
	 * @param environment the environment the properties are bound from
	 * @throws InvalidDeclarationException naming the property and the fix
	 */
	static void check(Environment environment) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		List<List<Token>> names = new ArrayList<>();
		Map<List<Token>, String> properties = new LinkedHashMap<>();
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith(PREFIX)) {
						List<Token> tokens = tokenize(name.substring(PREFIX.length()));
						names.add(tokens);
						properties.put(tokens, name);
					}
				}
			}
		}
		properties.forEach((tokens, name) -> check(name, tokens, names));
	}

	private static void check(String property, List<Token> tokens, List<List<Token>> allNames) {
		if (tokens.size() < 3) {
			return;
		}
		String section = canonical(tokens.get(0).text());
		Class<? extends Record> type = switch (section) {
			case "streams" -> StreamDeclaration.class;
			case "keyvalue" -> KeyValueDeclaration.class;
			case "objectstore" -> ObjectStoreDeclaration.class;
			default -> null;
		};
		if (type == null) {
			return;
		}
		String sectionProperty = PREFIX + tokens.get(0).text();
		Token key = tokens.get(1);
		if (key.isMangled() && !hasExplicitName(allNames, tokens.subList(0, 2))) {
			throw mangledName(sectionProperty, key);
		}
		int setting = 2;
		if (type == StreamDeclaration.class && canonical(tokens.get(2).text()).equals("consumers")
				&& tokens.size() > 4) {
			Token consumerKey = tokens.get(3);
			if (consumerKey.isMangled() && !hasExplicitName(allNames, tokens.subList(0, 4))) {
				throw mangledName(sectionProperty + "[" + key.bound() + "].consumers", consumerKey);
			}
			type = ConsumerDeclaration.class;
			setting = 4;
		}
		checkSetting(property, tokens, setting, type);
	}

	/**
	 * Whether some property sets the {@code name} of the declaration at this path.
	 */
	private static boolean hasExplicitName(List<List<Token>> allNames, List<Token> declaration) {
		for (List<Token> tokens : allNames) {
			if (tokens.size() == declaration.size() + 1 && tokens.subList(0, declaration.size()).equals(declaration)
					&& canonical(tokens.get(declaration.size()).text()).equals("name")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A setting name that matches no declaration field would bind to nothing, silently.
	 */
	private static void checkSetting(String property, List<Token> tokens, int index, Class<?> type) {
		Token setting = tokens.get(index);
		RecordComponent component = null;
		for (RecordComponent candidate : type.getRecordComponents()) {
			if (canonical(candidate.getName()).equals(canonical(setting.text()))) {
				component = candidate;
			}
		}
		if (setting.bracketed() || component == null) {
			throw new InvalidDeclarationException(property,
					"'" + setting.text() + "' is not a setting of " + article(type.getSimpleName())
							+ "; the binder would ignore it",
					"Check the spelling. The settings are: " + settings(type) + ".");
		}
		if (component.getName().equals("metadata")) {
			checkMetadataKeys(property, tokens.subList(index + 1, tokens.size()));
			return;
		}
		int next = index + 1;
		if (next < tokens.size() && tokens.get(next).bracketed()) {
			next++; // a list index, as in sources[0].name
		}
		Class<?> nested = component.getType();
		if (List.class.isAssignableFrom(nested) && component.getGenericType() instanceof ParameterizedType list) {
			nested = (Class<?>) list.getActualTypeArguments()[0];
		}
		if (nested.isRecord() && next < tokens.size()) {
			checkSetting(property, tokens, next, nested);
		}
	}

	private static void checkMetadataKeys(String property, List<Token> keys) {
		for (Token metadataKey : keys) {
			if (metadataKey.isMangled()) {
				throw new InvalidDeclarationException(property,
						"the metadata key '" + metadataKey.text() + "' binds as '" + metadataKey.bound()
								+ "': Spring Boot drops characters other than letters, digits, '-' and '_' "
								+ "from map keys that are not in brackets",
						"Write the key in brackets: \"[" + metadataKey.text() + "]\": in YAML, or metadata["
								+ metadataKey.text() + "] in properties.");
			}
		}
	}

	private static String settings(Class<?> type) {
		StringBuilder names = new StringBuilder();
		for (RecordComponent component : type.getRecordComponents()) {
			names.append((names.length() > 0) ? ", " : "").append(kebab(component.getName()));
		}
		return names.toString();
	}

	private static String article(String declarationType) {
		String kind = kebab(declarationType.replace("Declaration", "")).replace('-', ' ');
		return (kind.startsWith("object") ? "an " : "a ") + kind;
	}

	private static String kebab(String name) {
		StringBuilder result = new StringBuilder();
		for (char c : name.toCharArray()) {
			if (Character.isUpperCase(c)) {
				result.append((result.length() > 0) ? "-" : "").append(Character.toLowerCase(c));
			}
			else {
				result.append(c);
			}
		}
		return result.toString();
	}

	private static InvalidDeclarationException mangledName(String sectionProperty, Token key) {
		return new InvalidDeclarationException(sectionProperty + "." + key.text(),
				"the map key '" + key.text() + "' binds as '" + key.bound() + "': Spring Boot drops characters other "
						+ "than letters, digits, '-' and '_' from map keys that are not in brackets, so the resource "
						+ "would be named '" + key.bound() + "'",
				"Write the key in brackets: \"[" + key.text() + "]\": in YAML, or " + sectionProperty + "["
						+ key.text() + "].<setting> in properties; or keep the key and set " + sectionProperty + "."
						+ key.bound() + ".name=" + key.text() + ".");
	}

	private static String canonical(String token) {
		return token.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
	}

	/**
	 * Splits a property name into its elements, keeping whether each was written in brackets
	 * ({@code streams[A_B]} and the flattened YAML form {@code streams.[A_B]} both give a bracketed {@code A_B}).
	 */
	static List<Token> tokenize(String name) {
		List<Token> tokens = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		int i = 0;
		while (i < name.length()) {
			char c = name.charAt(i);
			if (c == '[') {
				addIfAny(tokens, current);
				int end = name.indexOf(']', i);
				if (end < 0) {
					end = name.length();
				}
				tokens.add(new Token(name.substring(i + 1, end), true));
				i = end + 1;
				if (i < name.length() && name.charAt(i) == '.') {
					i++;
				}
			}
			else if (c == '.') {
				addIfAny(tokens, current);
				i++;
			}
			else {
				current.append(c);
				i++;
			}
		}
		addIfAny(tokens, current);
		return tokens;
	}

	private static void addIfAny(List<Token> tokens, StringBuilder current) {
		if (current.length() > 0) {
			tokens.add(new Token(current.toString(), false));
			current.setLength(0);
		}
	}

	/**
	 * One element of a property name.
	 *
	 * @param text the element as written
	 * @param bracketed whether it was written in brackets (kept as is by the binder)
	 */
	record Token(String text, boolean bracketed) {

		/** The element as the binder turns it into a map key. */
		String bound() {
			if (this.bracketed) {
				return this.text;
			}
			StringBuilder result = new StringBuilder();
			for (char c : this.text.toCharArray()) {
				if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
					result.append(c);
				}
			}
			return result.toString();
		}

		boolean isMangled() {
			return !this.bound().equals(this.text);
		}

	}

}
