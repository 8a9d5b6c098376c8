package io.github.natsspring.autoconfigure;

import java.util.List;
import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.connection.Redaction;

/**
 * Keeps NATS secrets out of {@code /actuator/configprops} and {@code /actuator/env} even when an application
 * shows values there ({@code management.endpoint.*.show-values}): passwords and tokens are masked, the user-info
 * of server URLs is removed.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class NatsActuatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "natsSanitizingFunction")
	SanitizingFunction natsSanitizingFunction() {
		return NatsActuatorAutoConfiguration::sanitize;
	}

	static SanitizableData sanitize(SanitizableData data) {
		String key = data.getLowerCaseKey();
		if (!key.startsWith("nats.")) {
			return data;
		}
		if (key.endsWith("password") || key.endsWith("token")) {
			return data.withSanitizedValue();
		}
		Object value = data.getValue();
		if (value instanceof String text && text.contains("@")) {
			return data.withValue(Redaction.redact(text));
		}
		if (value instanceof List<?> list) {
			return data.withValue(list.stream()
				.map((item) -> (item instanceof String text) ? Redaction.redact(text) : item)
				.toList());
		}
		if (value instanceof CharSequence text && text.toString().toLowerCase(Locale.ROOT).contains("://")) {
			return data.withValue(Redaction.redact(text.toString()));
		}
		return data;
	}

}
