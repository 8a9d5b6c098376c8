package io.github.natsspring.core;

/**
 * A message is larger than the server accepts ({@code max_payload}). Thrown before anything is sent.
 */
public class NatsPayloadTooLargeException extends NatsException {

	private final long size;

	private final long maxPayload;

	public NatsPayloadTooLargeException(String subject, long size, long maxPayload) {
		super("Message of " + size + " bytes on subject '" + subject + "' exceeds the server's max_payload of "
				+ maxPayload + " bytes");
		this.size = size;
		this.maxPayload = maxPayload;
	}

	public long getSize() {
		return this.size;
	}

	public long getMaxPayload() {
		return this.maxPayload;
	}

}
