package io.github.natsspring.core;

import io.nats.client.Message;

/**
 * The message a listener is handling on the current thread, so that messages sent while handling it carry its
 * correlation id.
 */
public final class NatsMessageContext {

	private static final ThreadLocal<Message> current = new ThreadLocal<>();

	private NatsMessageContext() {
	}

	/**
	 * The message being handled on this thread.
	 * @return the message or {@code null} outside a listener
	 */
	public static Message current() {
		return current.get();
	}

	/**
	 * Runs the action with the given message as the current one.
	 * @param message the incoming message
	 * @param action the handling
	 * @param <T> the result type
	 * @return what the action returned
	 * @throws Exception what the action threw
	 */
	public static <T> T with(Message message, ThrowingSupplier<T> action) throws Exception {
		Message previous = current.get();
		current.set(message);
		try {
			return action.get();
		}
		finally {
			if (previous != null) {
				current.set(previous);
			}
			else {
				current.remove();
			}
		}
	}

	/**
	 * Makes the message the current one until {@link #leave}; for hot paths that cannot afford a lambda. Use in a
	 * {@code try}/{@code finally}.
	 * @param message the incoming message
	 * @return the message that was current before, to pass to {@link #leave}
	 */
	public static Message enter(Message message) {
		Message previous = current.get();
		current.set(message);
		return previous;
	}

	/**
	 * Restores the message that was current before {@link #enter}.
	 * @param previous what {@link #enter} returned
	 */
	public static void leave(Message previous) {
		// set, not remove: a listener thread enters again at once, and a null entry holds on to nothing
		current.set(previous);
	}

	/**
	 * The correlation id to put on messages sent now: the current message's correlation id, else its message id.
	 * @return the correlation id or {@code null} outside a listener
	 */
	public static String currentCorrelationId() {
		Message message = current.get();
		if (message == null || !message.hasHeaders()) {
			return null;
		}
		String correlationId = message.getHeaders().getFirst(NatsHeaders.CORRELATION_ID);
		return (correlationId != null) ? correlationId : message.getHeaders().getFirst(NatsHeaders.MESSAGE_ID);
	}

	/**
	 * A supplier that may throw.
	 * @param <T> the result type
	 */
	@FunctionalInterface
	public interface ThrowingSupplier<T> {

		T get() throws Exception;

	}

}
