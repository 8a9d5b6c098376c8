package io.github.natsspring.connection;

import java.time.Duration;

import io.nats.client.Options;
import io.nats.client.api.ServerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warning for servers older than 2.10, from the INFO a server sends (the build has no 2.9 server to run).
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerVersionWarningTests {

	private final NatsConnectionManager manager = new NatsConnectionManager(
			new Options.Builder().server("nats://127.0.0.1:1").build(), Duration.ofSeconds(1), false);

	@Test
	void warnsOnceForAServerOlderThan210(CapturedOutput output) {
		ServerInfo old = new ServerInfo("INFO {\"server_name\":\"old-one\",\"version\":\"2.9.10\"}");
		this.manager.warnIfOldServer(old);
		this.manager.warnIfOldServer(old);
		assertThat(output).contains("NATS server old-one runs version 2.9.10, older than 2.10.0")
			.contains("multiple filter subjects")
			.contains("Upgrade the server");
		assertThat(output.toString().split("runs version 2.9.10", -1)).hasSize(2);
	}

	@Test
	void staysQuietFor210AndNewer(CapturedOutput output) {
		this.manager.warnIfOldServer(new ServerInfo("INFO {\"server_name\":\"new\",\"version\":\"2.10.27\"}"));
		this.manager.warnIfOldServer(new ServerInfo("INFO {\"server_name\":\"newer\",\"version\":\"2.15.1\"}"));
		assertThat(output).doesNotContain("older than");
	}

}
