package io.github.natsspring.objectstore;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.FileSystemResource;

import io.github.natsspring.autoconfigure.NatsAutoConfiguration;
import io.github.natsspring.autoconfigure.NatsJetStreamAutoConfiguration;
import io.github.natsspring.test.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Declared object store buckets are beans, injectable by bucket name; multi-megabyte objects round-trip byte for
 * byte through streams and Spring resources.
 */
@Tag("compat")
class ObjectStoreTemplateTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.jetStream();

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsAutoConfiguration.class, NatsJetStreamAutoConfiguration.class))
		.withUserConfiguration(Artifacts.class)
		.withPropertyValues("nats.servers=" + nats.url(), "nats.drain-timeout=1s",
				"nats.jetstream.object-store[ARTIFACTS].max-bytes=64MB",
				"nats.jetstream.object-store[ARTIFACTS].description=Build outputs");

	@Test
	void multiMegabyteObjectsRoundTripThroughResourcesAndStreams(@TempDir Path directory) throws Exception {
		byte[] content = new byte[5 * 1024 * 1024 + 123];
		new Random(42).nextBytes(content);
		Path source = Files.write(directory.resolve("app.jar"), content);
		this.runner.run((context) -> {
			Artifacts artifacts = context.getBean(Artifacts.class);
			assertThat(artifacts.store.getBucketName()).isEqualTo("ARTIFACTS");
			ObjectStoreTemplate template = artifacts.template;

			ObjectInfo stored = template.put("builds/app.jar", new FileSystemResource(source));
			assertThat(stored.getSize()).isEqualTo(content.length);
			assertThat(stored.getChunks()).isGreaterThan(1);
			Path copy = directory.resolve("copy.jar");
			template.get("builds/app.jar", new FileSystemResource(copy));
			assertThat(Files.readAllBytes(copy)).isEqualTo(content);

			template.put("builds/app-2.jar", new ByteArrayInputStream(content));
			assertThat(template.getBytes("builds/app-2.jar")).isEqualTo(content);
			assertThat(template.list()).extracting(ObjectInfo::getObjectName)
				.containsExactlyInAnyOrder("builds/app.jar", "builds/app-2.jar");
			assertThat(template.getInfo("builds/app.jar").getDigest()).isEqualTo(stored.getDigest());

			template.delete("builds/app-2.jar");
			assertThat(template.getInfo("builds/app-2.jar")).isNull();
			// a missing object is a typed "not found", not a failure of the store
			org.assertj.core.api.Assertions
				.assertThatExceptionOfType(ObjectStoreObjectNotFoundException.class)
				.isThrownBy(() -> template.getBytes("builds/app-2.jar"))
				.satisfies((ex) -> assertThat(ex.getObjectName()).isEqualTo("builds/app-2.jar"));
			org.assertj.core.api.Assertions
				.assertThatExceptionOfType(ObjectStoreObjectNotFoundException.class)
				.isThrownBy(() -> template.getBytes("never/put"));
			assertThat(artifacts.store.getStatus().getDescription()).isEqualTo("Build outputs");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Artifacts {

		final ObjectStore store;

		final ObjectStoreTemplate template;

		Artifacts(@Qualifier("ARTIFACTS") ObjectStore store, @Qualifier("ARTIFACTS") ObjectStoreTemplate template) {
			this.store = store;
			this.template = template;
		}

	}

}
