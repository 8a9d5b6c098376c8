package io.github.natsspring.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import io.nats.client.AuthHandler;
import io.nats.client.Nats;

import org.springframework.core.io.Resource;

/**
 * Decentralized (JWT) authentication from a {@code .creds} resource, read at each (re)connect so rotated
 * credentials are picked up without a restart; works for classpath resources as well as files.
 */
public class CredentialsAuthHandler implements AuthHandler {

	private final Resource credentials;

	public CredentialsAuthHandler(Resource credentials) {
		this.credentials = credentials;
	}

	@Override
	public byte[] sign(byte[] nonce) {
		byte[] bytes = read();
		try {
			return Nats.staticCredentials(bytes).sign(nonce);
		}
		finally {
			Arrays.fill(bytes, (byte) 0);
		}
	}

	@Override
	public char[] getID() {
		byte[] bytes = read();
		try {
			return Nats.staticCredentials(bytes).getID();
		}
		finally {
			Arrays.fill(bytes, (byte) 0);
		}
	}

	@Override
	public char[] getJWT() {
		byte[] bytes = read();
		try {
			return Nats.staticCredentials(bytes).getJWT();
		}
		finally {
			Arrays.fill(bytes, (byte) 0);
		}
	}

	private byte[] read() {
		try (InputStream in = this.credentials.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read NATS credentials from " + this.credentials.getDescription(),
					ex);
		}
	}

}
