package io.github.natsspring.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.util.Enumeration;
import java.util.Properties;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Runs nats-spring-boot's failure analyzers (as registered in {@code META-INF/spring.factories}) on a startup
 * failure, the way Spring Boot does when an application fails to start.
 */
public final class FailureAnalyzers {

	private FailureAnalyzers() {
	}

	public static FailureAnalysis analyze(Throwable failure) {
		try {
			Enumeration<URL> files = FailureAnalyzers.class.getClassLoader().getResources("META-INF/spring.factories");
			while (files.hasMoreElements()) {
				Properties properties = new Properties();
				try (InputStream in = files.nextElement().openStream()) {
					properties.load(in);
				}
				String names = properties.getProperty(FailureAnalyzer.class.getName(), "");
				for (String name : names.split(",")) {
					if (name.trim().startsWith("io.github.natsspring")) {
						FailureAnalysis analysis = instantiate(name.trim()).analyze(failure);
						if (analysis != null) {
							return analysis;
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new AssertionError("No nats-spring-boot failure analyzer explains " + failure);
	}

	private static FailureAnalyzer instantiate(String name) {
		try {
			Constructor<?> constructor = Class.forName(name).getDeclaredConstructor();
			constructor.setAccessible(true);
			return (FailureAnalyzer) constructor.newInstance();
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
