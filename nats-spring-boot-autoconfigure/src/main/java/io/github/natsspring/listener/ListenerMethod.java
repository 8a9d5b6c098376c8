package io.github.natsspring.listener;

import java.lang.reflect.Method;

import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;

/**
 * An annotated method ready to be called with a message: arguments are resolved by type and annotation, the
 * signature was checked when it was created (see {@link ListenerContext#createListenerMethod}). Common signatures
 * are called directly ({@link DirectInvocation}, planned once); the others, and messages the plan leaves to Spring
 * (an empty payload, a missing header), go through spring-messaging's argument resolution.
 */
public final class ListenerMethod {

	private final InvocableHandlerMethod handlerMethod;

	private final DirectInvocation direct;

	private final String description;

	private final boolean returnsValue;

	ListenerMethod(InvocableHandlerMethod handlerMethod, DirectInvocation direct, String description) {
		this.handlerMethod = handlerMethod;
		this.direct = direct;
		this.description = description;
		Class<?> type = handlerMethod.getMethod().getReturnType();
		this.returnsValue = type != void.class && type != Void.class;
	}

	/**
	 * Calls the method.
	 * @param message the message to resolve arguments from
	 * @return what the method returned
	 * @throws Exception what argument resolution or the method threw
	 */
	public Object invoke(InboundMessage message) throws Exception {
		if (this.direct != null) {
			try {
				return this.direct.invoke(message);
			}
			catch (DirectInvocation.Fallback ex) {
				// an argument this message needs Spring's resolution for (the method has not run)
			}
		}
		return this.handlerMethod.invoke(message.toSpringMessage());
	}

	/**
	 * Calls the method with a spring-messaging message built by the caller.
	 * @param message the message to resolve arguments from
	 * @return what the method returned
	 * @throws Exception what argument resolution or the method threw
	 */
	public Object invoke(Message<?> message) throws Exception {
		return this.handlerMethod.invoke(message);
	}

	/**
	 * Whether the method is called without spring-messaging's per-message argument resolution.
	 * @return {@code true} if its signature has a direct plan
	 */
	public boolean isDirect() {
		return this.direct != null;
	}

	/**
	 * Whether the method returns something to reply with.
	 * @return {@code true} unless the method is void
	 */
	public boolean returnsValue() {
		return this.returnsValue;
	}

	public Method getMethod() {
		return this.handlerMethod.getMethod();
	}

	public Object getBean() {
		return this.handlerMethod.getBean();
	}

	/**
	 * The method as {@code ClassName.method(ParamType, ...)}.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	@Override
	public String toString() {
		return this.description;
	}

}
