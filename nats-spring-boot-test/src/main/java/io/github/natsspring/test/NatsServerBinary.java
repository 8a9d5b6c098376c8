package io.github.natsspring.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a {@code nats-server} binary of the requested version.
 * <p>
 * The version is a folder name under the provisioning home ({@code latest} or {@code 2.10});
 * it defaults to the system property {@code nats.server.version}, then {@code latest}. Lookup order:
 * <ol>
 * <li>{@code <home>/<version>/nats-server}, where home is the system property {@code nats.server.home},
 * the environment variable {@code NATS_SERVER_HOME}, or a {@code .nats-server} folder found walking up
 * from the working directory (what {@code scripts/provision-nats-server.sh} fills);</li>
 * <li>the system property {@code nats.server.path} or the environment variable {@code NATS_SERVER_PATH};</li>
 * <li>{@code nats-server} on the {@code PATH}.</li>
 * </ol>
 * A binary found in steps 2 or 3 is accepted for {@code latest}; for a pinned version (such as {@code 2.10})
 * its reported version must match, so a compatibility run never silently tests another server.
 */
public final class NatsServerBinary {

	public static final String LATEST = "latest";

	private static final Pattern VERSION = Pattern.compile("v?(\\d+\\.\\d+\\.\\d+)");

	private static final Map<Path, String> versions = new ConcurrentHashMap<>();

	private final Path path;

	private final String version;

	private NatsServerBinary(Path path, String version) {
		this.path = path;
		this.version = version;
	}

	/** The binary for the version the test run asks for ({@code nats.server.version}, default latest). */
	public static NatsServerBinary forCurrentRun() {
		return forVersion(requestedVersion());
	}

	/** The version the test run asks for: the {@code nats.server.version} system property or {@code latest}. */
	public static String requestedVersion() {
		String requested = System.getProperty("nats.server.version");
		if (requested == null || requested.isBlank()) {
			requested = System.getenv("NATS_SERVER_VERSION");
		}
		return (requested == null || requested.isBlank()) ? LATEST : requested.trim();
	}

	public static NatsServerBinary forVersion(String requested) {
		List<String> looked = new ArrayList<>();
		Path home = home();
		if (home != null) {
			Path candidate = home.resolve(requested).resolve("nats-server");
			looked.add(candidate.toString());
			if (Files.isExecutable(candidate)) {
				return new NatsServerBinary(candidate, versionOf(candidate));
			}
		}
		String explicit = firstNonBlank(System.getProperty("nats.server.path"), System.getenv("NATS_SERVER_PATH"));
		if (explicit != null) {
			looked.add("NATS_SERVER_PATH=" + explicit);
			Path candidate = Paths.get(explicit);
			if (Files.isExecutable(candidate)) {
				return accept(candidate, requested);
			}
		}
		String pathEnv = System.getenv("PATH");
		if (pathEnv != null) {
			for (String dir : pathEnv.split(java.io.File.pathSeparator)) {
				Path candidate = Paths.get(dir, "nats-server");
				if (Files.isExecutable(candidate)) {
					looked.add(candidate.toString());
					return accept(candidate, requested);
				}
			}
			looked.add("PATH");
		}
		throw new IllegalStateException("No nats-server binary for version '" + requested + "' (looked in " + looked
				+ "). Run scripts/provision-nats-server.sh, or set NATS_SERVER_PATH to a nats-server binary.");
	}

	private static NatsServerBinary accept(Path candidate, String requested) {
		String version = versionOf(candidate);
		if (!LATEST.equals(requested) && !version.startsWith(requested + ".") && !version.equals(requested)) {
			throw new IllegalStateException("nats-server at " + candidate + " is version " + version + ", but version "
					+ requested + " was requested. Run scripts/provision-nats-server.sh to get it.");
		}
		return new NatsServerBinary(candidate, version);
	}

	/** The provisioning folder, or {@code null} when none is configured or found. */
	static Path home() {
		String configured = firstNonBlank(System.getProperty("nats.server.home"), System.getenv("NATS_SERVER_HOME"));
		if (configured != null) {
			return Paths.get(configured);
		}
		Path dir = Paths.get("").toAbsolutePath();
		while (dir != null) {
			Path candidate = dir.resolve(".nats-server");
			if (Files.isDirectory(candidate)) {
				return candidate;
			}
			dir = dir.getParent();
		}
		return null;
	}

	static String versionOf(Path binary) {
		return versions.computeIfAbsent(binary, (b) -> {
			try {
				Process process = new ProcessBuilder(b.toString(), "--version").redirectErrorStream(true).start();
				String out;
				try (InputStream in = process.getInputStream()) {
					out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				}
				process.waitFor(10, TimeUnit.SECONDS);
				Matcher matcher = VERSION.matcher(out);
				if (!matcher.find()) {
					throw new IllegalStateException("Cannot read the version of " + b + ": " + out);
				}
				return matcher.group(1);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot run " + b + ": " + ex.getMessage(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while reading the version of " + b, ex);
			}
		});
	}

	private static String firstNonBlank(String... values) {
		for (String value : values) {
			if (value != null && !value.isBlank()) {
				return value.trim();
			}
		}
		return null;
	}

	public Path path() {
		return this.path;
	}

	/** The server's own version, for example {@code 2.15.1}. */
	public String version() {
		return this.version;
	}

	/** Whether this server is at least {@code major.minor}. */
	public boolean isAtLeast(int major, int minor) {
		String[] parts = this.version.split("\\.");
		int actualMajor = Integer.parseInt(parts[0]);
		int actualMinor = Integer.parseInt(parts[1]);
		return actualMajor > major || (actualMajor == major && actualMinor >= minor);
	}

	@Override
	public String toString() {
		return "nats-server " + this.version + " (" + this.path + ")";
	}

}
