package io.github.natsspring.jetstream;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;

import io.nats.client.Connection;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.core.NatsException;

/**
 * A jnats {@code KeyValue} or {@code ObjectStore} that opens the real one on first use: opening asks the server
 * about the bucket, and beans must not talk to NATS while they are created. The opened bucket is kept until the
 * connection is replaced; a failed open (bucket missing, NATS down) is retried on the next call.
 */
public final class LazyResourceProxy {

	private LazyResourceProxy() {
	}

	/**
	 * Creates a proxy.
	 * @param type the interface, {@code KeyValue} or {@code ObjectStore}
	 * @param bucket the bucket name, answered by {@code getBucketName()} without opening anything
	 * @param connectionManager supplies the connection
	 * @param opener opens the real bucket on a connection
	 * @return the proxy
	 */
	public static <T> T create(Class<T> type, String bucket, NatsConnectionManager connectionManager,
			Opener<T> opener) {
		Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				new Resolver<>(type, bucket, connectionManager, opener));
		return type.cast(proxy);
	}

	/**
	 * Opens a bucket on a connection.
	 * @param <T> the bucket interface
	 */
	@FunctionalInterface
	public interface Opener<T> {

		T open(Connection connection, String bucket) throws IOException;

	}

	private static final class Resolver<T> implements InvocationHandler {

		private final Class<T> type;

		private final String bucket;

		private final NatsConnectionManager connectionManager;

		private final Opener<T> opener;

		private Connection openedOn;

		private T opened;

		Resolver(Class<T> type, String bucket, NatsConnectionManager connectionManager, Opener<T> opener) {
			this.type = type;
			this.bucket = bucket;
			this.connectionManager = connectionManager;
			this.opener = opener;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			switch (method.getName()) {
				case "getBucketName" -> {
					if (method.getParameterCount() == 0) {
						return this.bucket;
					}
				}
				case "toString" -> {
					if (method.getParameterCount() == 0) {
						return this.type.getSimpleName() + "[" + this.bucket + "]";
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
			T target;
			try {
				target = resolve();
			}
			catch (IOException ex) {
				if (Arrays.asList(method.getExceptionTypes()).contains(IOException.class)) {
					throw ex;
				}
				throw new NatsException("Cannot open " + this.type.getSimpleName() + " bucket '" + this.bucket + "': "
						+ ex.getMessage(), ex);
			}
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

		private synchronized T resolve() throws IOException {
			Connection connection = this.connectionManager.getConnection();
			if (this.opened == null || this.openedOn != connection) {
				this.opened = this.opener.open(connection, this.bucket);
				this.openedOn = connection;
			}
			return this.opened;
		}

	}

}
