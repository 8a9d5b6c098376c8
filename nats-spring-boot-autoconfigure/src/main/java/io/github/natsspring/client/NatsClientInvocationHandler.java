package io.github.natsspring.client;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dispatches the calls on a client proxy: annotated methods to their {@link ClientMethod}, default methods to the
 * interface's own body, and {@code equals} / {@code hashCode} / {@code toString} to the proxy's identity.
 */
final class NatsClientInvocationHandler implements InvocationHandler {

	private static final Object[] NO_ARGUMENTS = {};

	private final Class<?> clientType;

	private final Map<Method, ClientMethod> methods;

	private final Map<Method, MethodHandle> defaultMethods = new ConcurrentHashMap<>();

	NatsClientInvocationHandler(Class<?> clientType, Map<Method, ClientMethod> methods) {
		this.clientType = clientType;
		this.methods = Map.copyOf(methods);
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		ClientMethod clientMethod = this.methods.get(method);
		if (clientMethod != null) {
			return clientMethod.invoke((args != null) ? args : NO_ARGUMENTS);
		}
		if (method.isDefault()) {
			return defaultMethod(method).bindTo(proxy).invokeWithArguments((args != null) ? args : NO_ARGUMENTS);
		}
		return switch (method.getName()) {
			case "equals" -> proxy == args[0];
			case "hashCode" -> System.identityHashCode(proxy);
			case "toString" -> "NATS client " + this.clientType.getName();
			default -> throw new UnsupportedOperationException(method.toString());
		};
	}

	/**
	 * A handle on the interface's own body. A private lookup in the interface, so that package-private client
	 * interfaces (the usual kind) work too.
	 */
	private MethodHandle defaultMethod(Method method) {
		return this.defaultMethods.computeIfAbsent(method, (key) -> {
			Class<?> declaringClass = key.getDeclaringClass();
			try {
				return MethodHandles.privateLookupIn(declaringClass, MethodHandles.lookup())
					.unreflectSpecial(key, declaringClass);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException("Cannot call default method " + key, ex);
			}
		});
	}

}
