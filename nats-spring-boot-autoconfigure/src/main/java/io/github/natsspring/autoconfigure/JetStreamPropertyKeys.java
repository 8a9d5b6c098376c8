package io.github.natsspring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 * Catches the map-key trap before a resource gets a wrong name: Spring Boot drops every character other than
 * letters, digits and '-' from a map key that is not in brackets, so {@code BILLING_EVENTS:} silently becomes a
 * stream named {@code BILLINGEVENTS}. Reads the property names as written in the property sources, since the bound
 * map only has the mangled key.
 */
final class JetStreamPropertyKeys {

	private static final String PREFIX = "nats.jetstream.";

	private JetStreamPropertyKeys() {
	}

	/**
	 * Fails for a mangled resource name that no explicit {@code name} corrects, and for any mangled metadata key.
	 * @param environment the environment the properties were bound from
	 * @param properties the bound properties
	 * @throws InvalidDeclarationException naming the property and both fixes
	 */
	static void check(Environment environment, NatsJetStreamProperties properties) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith(PREFIX)) {
						check(name, tokenize(name.substring(PREFIX.length())), properties);
					}
				}
			}
		}
	}

	private static void check(String property, List<Token> tokens, NatsJetStreamProperties properties) {
		if (tokens.size() < 2) {
			return;
		}
		String section = canonical(tokens.get(0).text());
		Token key = tokens.get(1);
		Map<String, ?> declarations = switch (section) {
			case "streams" -> properties.getStreams();
			case "keyvalue" -> properties.getKeyValue();
			case "objectstore" -> properties.getObjectStore();
			default -> null;
		};
		if (declarations == null) {
			return;
		}
		String sectionProperty = PREFIX + tokens.get(0).text();
		Object declaration = declarations.get(key.bound());
		if (key.isMangled() && !hasExplicitName(declaration)) {
			throw mangledName(sectionProperty, key);
		}
		int next = 2;
		if (section.equals("streams") && tokens.size() > 3 && canonical(tokens.get(2).text()).equals("consumers")) {
			Token consumerKey = tokens.get(3);
			ConsumerDeclaration consumer = (declaration instanceof StreamDeclaration stream)
					? stream.consumers().get(consumerKey.bound()) : null;
			if (consumerKey.isMangled() && (consumer == null || consumer.name() == null)) {
				throw mangledName(sectionProperty + "[" + key.bound() + "].consumers", consumerKey);
			}
			next = 4;
		}
		if (tokens.size() > next && canonical(tokens.get(next).text()).equals("metadata")) {
			for (Token metadataKey : tokens.subList(next + 1, tokens.size())) {
				if (metadataKey.isMangled()) {
					throw new InvalidDeclarationException(property,
							"the metadata key '" + metadataKey.text() + "' binds as '" + metadataKey.bound()
									+ "': Spring Boot drops characters other than letters, digits and '-' from map "
									+ "keys that are not in brackets",
							"Write the key in brackets: \"[" + metadataKey.text() + "]\": in YAML, or metadata["
									+ metadataKey.text() + "] in properties.");
				}
			}
		}
	}

	private static boolean hasExplicitName(Object declaration) {
		if (declaration instanceof StreamDeclaration stream) {
			return stream.name() != null;
		}
		if (declaration instanceof KeyValueDeclaration bucket) {
			return bucket.name() != null;
		}
		if (declaration instanceof ObjectStoreDeclaration bucket) {
			return bucket.name() != null;
		}
		return false;
	}

	private static InvalidDeclarationException mangledName(String sectionProperty, Token key) {
		return new InvalidDeclarationException(sectionProperty + "." + key.text(),
				"the map key '" + key.text() + "' binds as '" + key.bound() + "': Spring Boot drops characters other "
						+ "than letters, digits and '-' from map keys that are not in brackets, so the resource would "
						+ "be named '" + key.bound() + "'",
				"Write the key in brackets: \"[" + key.text() + "]\": in YAML, or " + sectionProperty + "["
						+ key.text() + "].<setting> in properties; or keep the key and set " + sectionProperty + "."
						+ key.bound() + ".name=" + key.text() + ".");
	}

	private static String canonical(String token) {
		return token.toLowerCase(Locale.ROOT).replace("-", "");
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
				if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
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
