package io.github.natsspring.client;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.Message;
import io.nats.client.PublishOptions;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.annotation.ValueConstants;
import org.springframework.util.StringUtils;

/**
 * How the arguments of a client method become a message: which one is the payload, which are headers
 * ({@code @Header}, a {@code @Headers} map), which fill subject variables ({@code @DestinationVariable}) and which
 * carries {@link PublishOptions}. Worked out, and checked, once per method when the client is built.
 */
final class MessageArguments {

	private static final ConversionService CONVERSION = DefaultConversionService.getSharedInstance();

	private final SubjectTemplate subject;

	/** For each variable position of the subject, the index of the argument that fills it. */
	private final int[] variableArguments;

	private final Map<String, String> fixedHeaders;

	private final List<HeaderArgument> headerArguments;

	private final int headersMapArgument;

	private final int payloadArgument;

	private final int optionsArgument;

	private MessageArguments(SubjectTemplate subject, int[] variableArguments, Map<String, String> fixedHeaders,
			List<HeaderArgument> headerArguments, int headersMapArgument, int payloadArgument, int optionsArgument) {
		this.subject = subject;
		this.variableArguments = variableArguments;
		this.fixedHeaders = fixedHeaders;
		this.headerArguments = headerArguments;
		this.headersMapArgument = headersMapArgument;
		this.payloadArgument = payloadArgument;
		this.optionsArgument = optionsArgument;
	}

	/**
	 * Works out the arguments of a method.
	 * @param method the client method
	 * @param subject its subject
	 * @param fixedHeaders headers declared on the annotations
	 * @param publishOptionsAllowed whether a {@link PublishOptions} parameter makes sense (JetStream)
	 * @return the arguments
	 * @throws IllegalStateException naming the parameter that cannot be served
	 */
	static MessageArguments of(Method method, SubjectTemplate subject, Map<String, String> fixedHeaders,
			boolean publishOptionsAllowed) {
		Parameter[] parameters = method.getParameters();
		Map<String, Integer> variables = new LinkedHashMap<>();
		List<HeaderArgument> headers = new ArrayList<>();
		int headersMap = -1;
		int payload = -1;
		int options = -1;
		for (int i = 0; i < parameters.length; i++) {
			Parameter parameter = parameters[i];
			Header header = AnnotatedElementUtils.findMergedAnnotation(parameter, Header.class);
			DestinationVariable variable = AnnotatedElementUtils.findMergedAnnotation(parameter,
					DestinationVariable.class);
			if (header != null) {
				String name = name(parameter, header.name(), "@Header");
				checkHeaderName(name);
				String defaultValue = ValueConstants.DEFAULT_NONE.equals(header.defaultValue()) ? null
						: header.defaultValue();
				headers.add(new HeaderArgument(i, name, header.required() && defaultValue == null, defaultValue));
			}
			else if (parameter.isAnnotationPresent(Headers.class)) {
				if (!Map.class.isAssignableFrom(parameter.getType())) {
					throw new IllegalStateException("a @Headers parameter must be a Map<String, ?>, not "
							+ parameter.getType().getSimpleName());
				}
				if (headersMap >= 0) {
					throw new IllegalStateException("has more than one @Headers parameter");
				}
				headersMap = i;
			}
			else if (variable != null) {
				String name = name(parameter, variable.value(), "@DestinationVariable");
				if (!subject.variables().contains(name)) {
					throw new IllegalStateException("@DestinationVariable(\"" + name + "\") matches no {" + name
							+ "} in subject '" + subject + "'");
				}
				if (variables.putIfAbsent(name, i) != null) {
					throw new IllegalStateException("has two @DestinationVariable(\"" + name + "\") parameters");
				}
			}
			else if (PublishOptions.class.isAssignableFrom(parameter.getType())) {
				if (!publishOptionsAllowed) {
					throw new IllegalStateException(
							"a PublishOptions parameter only applies to @JetStreamPublish methods");
				}
				if (options >= 0) {
					throw new IllegalStateException("has more than one PublishOptions parameter");
				}
				options = i;
			}
			else if (Message.class.isAssignableFrom(parameter.getType())) {
				throw new IllegalStateException("a jnats Message cannot be a parameter; pass the payload, and "
						+ "headers as @Header parameters or a @Headers map");
			}
			else {
				if (payload >= 0) {
					throw new IllegalStateException("has more than one payload parameter (" + describe(parameters[payload])
							+ " and " + describe(parameter) + "); mark headers with @Header or @Headers and subject "
							+ "variables with @DestinationVariable");
				}
				payload = i;
			}
		}
		int[] variableArguments = new int[subject.variables().size()];
		for (int position = 0; position < variableArguments.length; position++) {
			String name = subject.variables().get(position);
			Integer argument = variables.get(name);
			if (argument == null) {
				throw new IllegalStateException("subject '" + subject + "' has the variable {" + name
						+ "} but no @DestinationVariable(\"" + name + "\") parameter");
			}
			variableArguments[position] = argument;
		}
		return new MessageArguments(subject, variableArguments, fixedHeaders, List.copyOf(headers), headersMap,
				payload, options);
	}

	private static String name(Parameter parameter, String declared, String annotation) {
		if (StringUtils.hasText(declared)) {
			return declared;
		}
		if (!parameter.isNamePresent()) {
			throw new IllegalStateException("parameter " + parameter.getName() + " needs a name: " + annotation
					+ "(\"...\"), or compile with -parameters");
		}
		return parameter.getName();
	}

	static void checkHeaderName(String name) {
		try {
			new io.nats.client.impl.Headers().put(name, "x");
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("'" + name + "' is not a valid header name: " + ex.getMessage());
		}
	}

	private static String describe(Parameter parameter) {
		return parameter.getType().getSimpleName() + " " + parameter.getName();
	}

	boolean hasPublishOptions() {
		return this.optionsArgument >= 0;
	}

	String subject(Object[] args) {
		return this.subject.expand((position) -> args[this.variableArguments[position]]);
	}

	Object payload(Object[] args) {
		return (this.payloadArgument >= 0) ? args[this.payloadArgument] : null;
	}

	PublishOptions options(Object[] args) {
		return (this.optionsArgument >= 0) ? (PublishOptions) args[this.optionsArgument] : null;
	}

	/**
	 * The headers of one call: the annotations' headers, then a {@code @Headers} map, then {@code @Header}
	 * arguments; later ones win.
	 * @param args the arguments
	 * @return the headers
	 * @throws IllegalArgumentException if a required header argument is {@code null}
	 */
	Map<String, String> headers(Object[] args) {
		if (this.headersMapArgument < 0 && this.headerArguments.isEmpty()) {
			return this.fixedHeaders;
		}
		Map<String, String> headers = new LinkedHashMap<>(this.fixedHeaders);
		if (this.headersMapArgument >= 0 && args[this.headersMapArgument] != null) {
			((Map<?, ?>) args[this.headersMapArgument]).forEach((name, value) -> {
				if (name != null && value != null) {
					headers.put(name.toString(), text(value));
				}
			});
		}
		for (HeaderArgument header : this.headerArguments) {
			Object value = args[header.index()];
			if (value == null) {
				if (header.required()) {
					throw new IllegalArgumentException("header '" + header.name() + "' is required, and the argument "
							+ "is null (use @Header(required = false) to send without it)");
				}
				if (header.defaultValue() == null) {
					continue;
				}
				value = header.defaultValue();
			}
			headers.put(header.name(), text(value));
		}
		return headers;
	}

	private static String text(Object value) {
		if (value instanceof String text) {
			return text;
		}
		String converted = CONVERSION.convert(value, String.class);
		return (converted != null) ? converted : "";
	}

	private record HeaderArgument(int index, String name, boolean required, String defaultValue) {
	}

}
