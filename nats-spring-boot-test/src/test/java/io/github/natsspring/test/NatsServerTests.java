package io.github.natsspring.test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@Tag("compat")
class NatsServerTests {

	@Test
	void startsOnLoopbackWithOwnStoreAndRemovesEverythingOnClose() throws Exception {
		Path dir;
		try (NatsServer server = NatsServer.builder().jetStream(true).build().start()) {
			dir = server.directory();
			String info = readInfo(server.port());
			assertThat(info).startsWith("INFO ").contains("\"jetstream\":true").contains("\"version\":\"" + server.version() + "\"");
			assertThat(server.readLog()).contains(server.storeDirectory().toString());
			assertThat(server.version()).startsWith(expectedPrefix());
		}
		assertThat(Files.exists(dir)).isFalse();
	}

	@Test
	void restartKeepsPortAndAppliesExtraConfig() throws Exception {
		try (NatsServer server = NatsServer.builder().config("max_payload: 4096").build().start()) {
			int port = server.port();
			server.stop();
			assertThat(server.isRunning()).isFalse();
			server.start();
			assertThat(server.port()).isEqualTo(port);
			assertThat(readInfo(port)).contains("\"max_payload\":4096");
		}
	}

	@Test
	void badConfigFailsWithTheServerLog() {
		try (NatsServer server = NatsServer.builder().config("this is { not valid").build()) {
			assertThatIllegalStateException().isThrownBy(server::start).withMessageContaining("nats-server exited");
		}
	}

	private static String expectedPrefix() {
		String requested = NatsServerBinary.requestedVersion();
		return NatsServerBinary.LATEST.equals(requested) ? "2." : requested + ".";
	}

	private static String readInfo(int port) throws Exception {
		try (Socket socket = new Socket("127.0.0.1", port);
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
			return reader.readLine();
		}
	}

}
