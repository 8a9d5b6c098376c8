package io.github.natsspring.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import io.nats.client.AuthHandler;
import io.nats.client.NKey;

import org.springframework.core.io.Resource;

/**
 * Signs the server's nonce with an NKey seed read from a resource at each (re)connect, so a rotated seed file is
 * picked up without a restart. The seed is not kept between connects; the buffers read are cleared after use
 * (the line parsing briefly holds it in strings the JVM cannot wipe).
 */
public class NKeySeedAuthHandler implements AuthHandler {

	private final Resource seed;

	public NKeySeedAuthHandler(Resource seed) {
		this.seed = seed;
	}

	@Override
	public byte[] sign(byte[] nonce) {
		char[] chars = readSeed();
		try {
			return NKey.fromSeed(chars).sign(nonce);
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot sign with the NKey seed from " + this.seed.getDescription(), ex);
		}
		finally {
			Arrays.fill(chars, '\0');
		}
	}

	@Override
	public char[] getID() {
		char[] chars = readSeed();
		try {
			return NKey.fromSeed(chars).getPublicKey();
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot read the NKey seed from " + this.seed.getDescription(), ex);
		}
		finally {
			Arrays.fill(chars, '\0');
		}
	}

	@Override
	public char[] getJWT() {
		return null;
	}

	private char[] readSeed() {
		byte[] bytes;
		try (InputStream in = this.seed.getInputStream()) {
			bytes = in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the NKey seed from " + this.seed.getDescription(), ex);
		}
		try {
			String text = new String(bytes, StandardCharsets.US_ASCII);
			for (String line : text.split("\\R")) {
				String trimmed = line.trim();
				if (trimmed.startsWith("SU") || trimmed.startsWith("SA") || trimmed.startsWith("SO")) {
					return trimmed.toCharArray();
				}
			}
			throw new IllegalStateException(this.seed.getDescription() + " holds no NKey seed (a line starting 'SU')");
		}
		finally {
			Arrays.fill(bytes, (byte) 0);
		}
	}

}
