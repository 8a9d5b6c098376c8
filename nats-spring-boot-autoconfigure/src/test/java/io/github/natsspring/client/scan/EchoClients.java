package io.github.natsspring.client.scan;

/**
 * Gives tests a handle on the package-private {@link EchoClient}.
 */
public final class EchoClients {

	private EchoClients() {
	}

	public static String shout(Object client, String text) {
		return ((EchoClient) client).shout(text);
	}

	public static Class<?> type() {
		return EchoClient.class;
	}

}
