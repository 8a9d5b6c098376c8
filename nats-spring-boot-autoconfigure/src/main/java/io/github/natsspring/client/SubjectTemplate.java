package io.github.natsspring.client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import io.github.natsspring.core.NatsInvalidSubjectException;
import io.github.natsspring.core.Subjects;

/**
 * The subject of a client method, with {@code {name}} variables that arguments fill in. Checked once when the
 * client is built; at call time only the variable values are checked, and each must be one token, so an argument
 * can never add tokens or wildcards to the subject.
 */
final class SubjectTemplate {

	private final String template;

	/** Literal text around the variables: one more than there are variables. */
	private final String[] literals;

	private final List<String> variables;

	private SubjectTemplate(String template, String[] literals, List<String> variables) {
		this.template = template;
		this.literals = literals;
		this.variables = variables;
	}

	/**
	 * Parses a subject.
	 * @param subject the subject, placeholders already resolved
	 * @return the template
	 * @throws IllegalStateException if the subject is not a concrete subject with well-formed variables
	 */
	static SubjectTemplate parse(String subject) {
		List<String> literals = new ArrayList<>();
		List<String> variables = new ArrayList<>();
		StringBuilder sample = new StringBuilder();
		int start = 0;
		int open;
		while ((open = subject.indexOf('{', start)) >= 0) {
			int close = subject.indexOf('}', open);
			if (close < 0) {
				throw new IllegalStateException("subject '" + subject + "' has a '{' without a closing '}'");
			}
			String name = subject.substring(open + 1, close);
			if (name.isEmpty() || name.contains("{")) {
				throw new IllegalStateException("subject '" + subject + "' has a malformed variable; write {name}");
			}
			literals.add(subject.substring(start, open));
			variables.add(name);
			sample.append(subject, start, open).append('x');
			start = close + 1;
		}
		literals.add(subject.substring(start));
		sample.append(subject.substring(start));
		if (sample.indexOf("}") >= 0) {
			throw new IllegalStateException("subject '" + subject + "' has a '}' without an opening '{'");
		}
		try {
			Subjects.validatePublishSubject(sample.toString());
		}
		catch (NatsInvalidSubjectException ex) {
			throw new IllegalStateException(ex.getMessage().replace("'" + sample + "'", "'" + subject + "'"));
		}
		return new SubjectTemplate(subject, literals.toArray(String[]::new), List.copyOf(variables));
	}

	/**
	 * The variable names, in the order they appear (a name may appear more than once).
	 * @return the names
	 */
	List<String> variables() {
		return this.variables;
	}

	boolean hasVariables() {
		return !this.variables.isEmpty();
	}

	/**
	 * Fills the variables in.
	 * @param values the value of the variable at each position of {@link #variables()}
	 * @return the subject
	 * @throws NatsInvalidSubjectException if a value is not exactly one token
	 */
	String expand(IntFunction<Object> values) {
		if (this.variables.isEmpty()) {
			return this.template;
		}
		StringBuilder subject = new StringBuilder(this.template.length() + 16);
		for (int i = 0; i < this.variables.size(); i++) {
			subject.append(this.literals[i]).append(token(this.variables.get(i), values.apply(i)));
		}
		return subject.append(this.literals[this.literals.length - 1]).toString();
	}

	private String token(String name, Object value) {
		if (value == null) {
			throw new NatsInvalidSubjectException(this.template, "variable {" + name + "} is null");
		}
		String token = value.toString();
		if (token.isEmpty()) {
			throw new NatsInvalidSubjectException(this.template, "variable {" + name + "} is empty");
		}
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (c == '.' || c == '*' || c == '>' || Character.isWhitespace(c) || Character.isISOControl(c)) {
				throw new NatsInvalidSubjectException(this.template, "variable {" + name + "} must be a single "
						+ "token without '.', '*', '>' or whitespace, got '" + token + "'");
			}
		}
		return token;
	}

	@Override
	public String toString() {
		return this.template;
	}

}
