package io.github.natsspring.jetstream;

/**
 * The server's acknowledgement of a JetStream publish: the message is stored.
 *
 * @param stream the stream that stored it
 * @param sequence its sequence in that stream
 * @param duplicate whether the server had already stored a message with the same message id within the stream's
 * duplicate window (then {@code sequence} is the original's and nothing new was stored)
 * @param messageId the message id sent as {@code Nats-Msg-Id}, {@code null} when none was set
 * @param domain the JetStream domain of the stream, {@code null} when none
 */
public record PublishResult(String stream, long sequence, boolean duplicate, String messageId, String domain) {

}
