package io.github.natsspring.micro;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official NATS service protocol schemas ({@code conformance/micro-v1} in the shared folder), loaded from disk
 * with their {@code $id}s mapped to the files, so that references between them resolve without the network.
 */
final class MicroSchemas {

	private static final String ID_PREFIX = "https://nats.io/schemas/micro/v1/";

	private static final Path DIRECTORY = Path.of(System.getProperty("shared.dir", "../../shared"), "conformance",
			"micro-v1");

	private static final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
			(builder) -> builder.schemas(MicroSchemas::load));

	private static final Map<String, Schema> schemas = new ConcurrentHashMap<>();

	private MicroSchemas() {
	}

	private static String load(String iri) {
		if (!iri.startsWith(ID_PREFIX)) {
			return null;
		}
		try {
			return Files.readString(DIRECTORY.resolve(iri.substring(ID_PREFIX.length())));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/**
	 * Asserts that a reply validates against the schema of its kind.
	 * @param kind {@code ping}, {@code info} or {@code stats}
	 * @param json the reply body
	 */
	static void assertValid(String kind, byte[] json) {
		assertThat(Files.isDirectory(DIRECTORY)).as("schemas in %s", DIRECTORY).isTrue();
		Schema schema = schemas.computeIfAbsent(kind,
				(key) -> registry.getSchema(SchemaLocation.of(ID_PREFIX + key + "_response.json")));
		String text = new String(json, StandardCharsets.UTF_8);
		List<Error> errors = schema.validate(text, InputFormat.JSON);
		assertThat(errors).as("%s reply %s", kind, text).isEmpty();
	}

	/**
	 * The errors of a document against a schema, to prove the validator rejects what it should.
	 */
	static List<Error> errors(String kind, String json) {
		Schema schema = schemas.computeIfAbsent(kind,
				(key) -> registry.getSchema(SchemaLocation.of(ID_PREFIX + key + "_response.json")));
		return schema.validate(json, InputFormat.JSON);
	}

}
