package io.github.natsspring.micro;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NATS service protocol (ADR-32, {@code io.nats.micro.v1}): discovery subjects and the PING, INFO and STATS
 * replies, shaped to validate against the protocol's JSON schemas (every required field present, zero counters and
 * an empty {@code last_error} included).
 */
public final class ServiceProtocol {

	/** Prefix of the discovery subjects. */
	public static final String API_PREFIX = "$SRV";

	/** Type of PING replies. */
	public static final String PING_RESPONSE_TYPE = "io.nats.micro.v1.ping_response";

	/** Type of INFO replies. */
	public static final String INFO_RESPONSE_TYPE = "io.nats.micro.v1.info_response";

	/** Type of STATS replies. */
	public static final String STATS_RESPONSE_TYPE = "io.nats.micro.v1.stats_response";

	/** RFC 3339 in UTC with nanoseconds, as Go writes {@code time.Time}. */
	private static final DateTimeFormatter STARTED = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

	private ServiceProtocol() {
	}

	/**
	 * The discovery verbs.
	 */
	public enum Verb {

		/** Liveness: who is there. */
		PING,
		/** Description and endpoints. */
		INFO,
		/** Request statistics per endpoint. */
		STATS

	}

	/**
	 * The subjects a service instance answers a verb on: for all services, for services of its name, for itself.
	 * @param verb the verb
	 * @param name the service name
	 * @param id the instance id
	 * @return the three subjects
	 */
	public static List<String> discoverySubjects(Verb verb, String name, String id) {
		String all = API_PREFIX + "." + verb.name();
		return List.of(all, all + "." + name, all + "." + name + "." + id);
	}

	static byte[] ping(ServiceDefinition service, String id) {
		return Json.write(identity(PING_RESPONSE_TYPE, service, id));
	}

	static byte[] info(ServiceDefinition service, String id) {
		Map<String, Object> info = identity(INFO_RESPONSE_TYPE, service, id);
		info.put("description", service.description());
		List<Object> endpoints = new ArrayList<>();
		for (EndpointDefinition endpoint : service.endpoints()) {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("name", endpoint.name());
			json.put("subject", endpoint.subject());
			if (endpoint.queueGroup() != null) {
				json.put("queue_group", endpoint.queueGroup());
			}
			json.put("metadata", endpoint.metadata());
			endpoints.add(json);
		}
		info.put("endpoints", endpoints);
		return Json.write(info);
	}

	static byte[] stats(ServiceDefinition service, String id, Instant started, List<EndpointStats> stats) {
		Map<String, Object> json = identity(STATS_RESPONSE_TYPE, service, id);
		json.put("started", STARTED.format(started));
		List<Object> endpoints = new ArrayList<>();
		for (EndpointStats endpoint : stats) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("name", endpoint.name());
			entry.put("subject", endpoint.subject());
			if (endpoint.queueGroup() != null) {
				entry.put("queue_group", endpoint.queueGroup());
			}
			entry.put("num_requests", endpoint.numRequests());
			entry.put("num_errors", endpoint.numErrors());
			entry.put("last_error", endpoint.lastError());
			entry.put("processing_time", endpoint.processingTime());
			entry.put("average_processing_time", endpoint.averageProcessingTime());
			endpoints.add(entry);
		}
		json.put("endpoints", endpoints);
		return Json.write(json);
	}

	private static Map<String, Object> identity(String type, ServiceDefinition service, String id) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("type", type);
		json.put("name", service.name());
		json.put("id", id);
		json.put("version", service.version());
		json.put("metadata", service.metadata());
		return json;
	}

}
