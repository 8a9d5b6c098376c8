package io.github.natsspring.listener;

import io.nats.client.Message;
import io.nats.client.impl.NatsMessage;

import io.github.natsspring.core.NatsHeaders;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.core.NatsOperations;
import io.github.natsspring.core.NatsTemplate;
import io.github.natsspring.core.OutgoingHeaders;

/**
 * Answers requests: with a handler's result, or with an error in the headers of the NATS service protocol.
 */
public final class Replies {

	private Replies() {
	}

	/**
	 * Sends the result to the request's reply subject.
	 * @param operations sends the reply
	 * @param converter writes the result
	 * @param request the request
	 * @param result the handler's result, may be {@code null} (an empty reply)
	 */
	public static void reply(NatsOperations operations, NatsMessageConverter converter, Message request,
			Object result) {
		operations.send(replyMessage(converter, request, result));
	}

	/**
	 * Writes the reply to a request, without sending it, with its envelope ({@code Message-Id}, and the
	 * {@code Correlation-Id} of the request being handled on this thread).
	 * @param converter writes the result
	 * @param request the request
	 * @param result the handler's result, may be {@code null} (an empty reply)
	 * @return the reply, addressed to the request's reply subject
	 */
	public static Message replyMessage(NatsMessageConverter converter, Message request, Object result) {
		OutgoingHeaders headers = new OutgoingHeaders();
		byte[] data = converter.toPayload(result, headers);
		NatsTemplate.addEnvelope(headers);
		return NatsMessage.builder().subject(request.getReplyTo()).headers(headers.seal()).data(data).build();
	}

	/**
	 * Sends an error reply: empty body, {@code Nats-Service-Error} and {@code Nats-Service-Error-Code} headers.
	 * @param operations sends the reply
	 * @param request the request
	 * @param error the error
	 */
	public static void replyError(NatsOperations operations, Message request, ServiceError error) {
		operations.send(errorMessage(request.getReplyTo(), error));
	}

	/**
	 * Builds an error reply.
	 * @param replyTo the reply subject
	 * @param error the error
	 * @return the message
	 */
	public static Message errorMessage(String replyTo, ServiceError error) {
		OutgoingHeaders headers = new OutgoingHeaders();
		headers.put(NatsHeaders.SERVICE_ERROR, error.description());
		headers.put(NatsHeaders.SERVICE_ERROR_CODE, Integer.toString(error.code()));
		return NatsMessage.builder().subject(replyTo).headers(headers.seal()).data(new byte[0]).build();
	}

}
