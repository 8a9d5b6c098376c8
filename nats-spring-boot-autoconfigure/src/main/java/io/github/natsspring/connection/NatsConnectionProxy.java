package io.github.natsspring.connection;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import io.nats.client.Connection;

/**
 * A {@link Connection} bean that delegates to the managed connection, so it can be injected before NATS is
 * reachable. Calls made before the first connection throw
 * {@link io.github.natsspring.core.NatsNotConnectedException}.
 */
public final class NatsConnectionProxy {

	private NatsConnectionProxy() {
	}

	/**
	 * Creates the proxy.
	 * @param manager the connection manager
	 * @return a connection that delegates to the manager's current connection
	 */
	public static Connection create(NatsConnectionManager manager) {
		InvocationHandler handler = new Delegation(manager);
		return (Connection) Proxy.newProxyInstance(NatsConnectionProxy.class.getClassLoader(),
				new Class<?>[] { Connection.class }, handler);
	}

	private record Delegation(NatsConnectionManager manager) implements InvocationHandler {

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			switch (method.getName()) {
				case "toString" -> {
					if (method.getParameterCount() == 0) {
						return "NatsConnectionProxy[" + this.manager.getServers() + ", " + this.manager.getState()
								+ "]";
					}
				}
				case "equals" -> {
					if (method.getParameterCount() == 1) {
						return proxy == args[0];
					}
				}
				case "hashCode" -> {
					if (method.getParameterCount() == 0) {
						return System.identityHashCode(proxy);
					}
				}
				default -> {
				}
			}
			try {
				return method.invoke(this.manager.getConnection(), args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

	}

}
