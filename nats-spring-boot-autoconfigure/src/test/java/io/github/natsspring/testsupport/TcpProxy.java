package io.github.natsspring.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on loopback that a test can cut and restore, so that a client is disconnected for exactly as long
 * as the test needs while the server stays reachable for others. While cut, open connections are closed and new
 * ones are closed as soon as they are accepted.
 *
 * <pre>{@code
 * try (TcpProxy proxy = new TcpProxy(server.port())) {
 *     connect(proxy.url());
 *     proxy.cut();      // the client is disconnected and cannot reconnect
 *     proxy.restore();  // it can again
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final int targetPort;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile boolean open = true;

	public TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "tcp-proxy-" + this.listener.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** The NATS URL that reaches the server through this proxy. */
	public String url() {
		return "nats://127.0.0.1:" + this.listener.getLocalPort();
	}

	/** Closes every connection through the proxy and refuses new ones until {@link #restore()}. */
	public void cut() {
		this.open = false;
		closeAll();
	}

	/** Lets connections through again. */
	public void restore() {
		this.open = true;
	}

	@Override
	public void close() throws IOException {
		this.open = false;
		this.listener.close();
		closeAll();
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			Socket client;
			try {
				client = this.listener.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (!this.open) {
				closeQuietly(client);
				continue;
			}
			try {
				Socket server = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.sockets.add(client);
				this.sockets.add(server);
				pump(client, server);
				pump(server, client);
			}
			catch (IOException ex) {
				closeQuietly(client);
			}
		}
	}

	private void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// closed
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
				TcpProxy.this.sockets.remove(from);
				TcpProxy.this.sockets.remove(to);
			}
		}, "tcp-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private void closeAll() {
		this.sockets.forEach(TcpProxy::closeQuietly);
		this.sockets.clear();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
