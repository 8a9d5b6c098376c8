package io.github.natsspring.listener;

import java.lang.reflect.Method;

import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;

/**
 * An annotated method ready to be called with a message: arguments are resolved by type and annotation, the
 * signature was checked when it was created (see {@link ListenerContext#createListenerMethod}).
 */
public final class ListenerMethod {

	private final InvocableHandlerMethod handlerMethod;

	private final String description;

	ListenerMethod(InvocableHandlerMethod handlerMethod, String description) {
		this.handlerMethod = handlerMethod;
		this.description = description;
	}

	/**
	 * Calls the method.
	 * @param message the message to resolve arguments from
	 * @return what the method returned
	 * @throws Exception what argument resolution or the method threw
	 */
	public Object invoke(Message<?> message) throws Exception {
		return this.handlerMethod.invoke(message);
	}

	/**
	 * Whether the method returns something to reply with.
	 * @return {@code true} unless the method is void
	 */
	public boolean returnsValue() {
		Class<?> type = this.handlerMethod.getMethod().getReturnType();
		return type != void.class && type != Void.class;
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
