package io.github.natsspring.micro;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends a request that several responders answer ({@code $SRV.PING} and friends, or an endpoint without queue
 * group) and collects the replies, as {@code nats micro ls} does.
 */
final class Discovery {

	static final JsonMapper json = JsonMapper.builder().build();

	private Discovery() {
	}

	/**
	 * Collects the replies to one request.
	 * @param connection a plain jnats connection
	 * @param subject the subject
	 * @param body the request body
	 * @param expected how many replies to wait for at most {@code timeout}
	 * @param timeout how long to wait for the expected replies
	 * @return the replies (not the server's no-responders status); after the expected number arrived, a short grace period catches extra ones
	 */
	static List<Message> collect(Connection connection, String subject, byte[] body, int expected, Duration timeout)
			throws Exception {
		String inbox = connection.createInbox();
		Subscription subscription = connection.subscribe(inbox);
		try {
			connection.flush(Duration.ofSeconds(2));
			connection.publish(subject, inbox, body);
			List<Message> replies = new ArrayList<>();
			long deadline = System.nanoTime() + timeout.toNanos();
			while (replies.size() < expected && System.nanoTime() < deadline) {
				Message reply = subscription.nextMessage(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
				if (reply != null && reply.isStatusMessage()) {
					return replies; // no responders
				}
				if (reply != null) {
					replies.add(reply);
				}
			}
			Message extra;
			while ((extra = subscription.nextMessage(Duration.ofMillis(50))) != null) {
				if (!extra.isStatusMessage()) {
					replies.add(extra);
				}
			}
			return replies;
		}
		finally {
			subscription.unsubscribe();
		}
	}

	static List<JsonNode> collectJson(Connection connection, String subject, int expected) throws Exception {
		List<JsonNode> nodes = new ArrayList<>();
		for (Message message : collect(connection, subject, new byte[0], expected, Duration.ofSeconds(3))) {
			nodes.add(json.readTree(message.getData()));
		}
		return nodes;
	}

	static JsonNode read(Message message) {
		return json.readTree(message.getData());
	}

}
