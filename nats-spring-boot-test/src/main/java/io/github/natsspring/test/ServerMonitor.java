package io.github.natsspring.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

/**
 * Reads a server's HTTP monitoring endpoints ({@code /healthz}, {@code /jsz}, {@code /leafz}). They need no
 * credentials and answer for the server itself, which is what a test asking "is this node current" or "does this
 * node lead that stream" needs; a JetStream API request would be answered by whichever node the client is on.
 */
final class ServerMonitor {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private ServerMonitor() {
	}

	/** Whether {@code /healthz} answers 200: the server is up and its JetStream (if any) is current. */
	static boolean isHealthy(NatsServer server) {
		HttpResponse<String> response = get(server, "/healthz");
		return response != null && response.statusCode() == 200;
	}

	/** The JSON of a monitoring endpoint, or {@code null} when the server does not answer (it may be down). */
	static JsonValue json(NatsServer server, String path) {
		HttpResponse<String> response = get(server, path);
		if (response == null || response.statusCode() != 200) {
			return null;
		}
		try {
			return JsonParser.parse(response.body());
		}
		catch (JsonParseException ex) {
			return null;
		}
	}

	private static HttpResponse<String> get(NatsServer server, String path) {
		if (server.monitorPort() <= 0 || !server.isRunning()) {
			return null;
		}
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.monitorPort() + path))
			.timeout(Duration.ofSeconds(2))
			.GET()
			.build();
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static JsonValue field(JsonValue value, String name) {
		if (value == null || value.map == null) {
			return null;
		}
		return value.map.get(name);
	}

	static String string(JsonValue value, String name) {
		JsonValue field = field(value, name);
		return (field != null) ? field.string : null;
	}

	static List<JsonValue> array(JsonValue value, String name) {
		JsonValue field = field(value, name);
		return (field != null && field.array != null) ? field.array : List.of();
	}

	static Map<String, JsonValue> map(JsonValue value) {
		return (value != null && value.map != null) ? value.map : Map.of();
	}

}
