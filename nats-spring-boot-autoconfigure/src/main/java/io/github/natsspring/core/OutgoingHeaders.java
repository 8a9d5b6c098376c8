package io.github.natsspring.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.nats.client.impl.Headers;

/**
 * The headers of one message the starter builds and sends: written while the message is made, then
 * {@link #seal() sealed}. Sealed headers are read-only, so jnats sends them as they are; headers that are not
 * read-only it copies before queueing the message (so that a caller changing them after publishing cannot change
 * what is sent), a copy per message that showed as a fifth of a service worker's CPU time.
 */
public final class OutgoingHeaders extends Headers {

	private boolean sealed;

	private boolean enveloped;

	/**
	 * Makes these headers read-only; call it once the message is complete, before it is handed to jnats.
	 * @return these headers
	 */
	public OutgoingHeaders seal() {
		this.sealed = true;
		return this;
	}

	/** Called once {@link NatsTemplate#addEnvelope} has given these headers their envelope. */
	void envelopeAdded() {
		this.enveloped = true;
	}

	/**
	 * Whether these headers have the envelope ({@code Message-Id}, {@code Correlation-Id}) and can no longer lose
	 * it: they were given it and then sealed.
	 * @return {@code true} when sealed with the envelope
	 */
	public boolean hasEnvelope() {
		return this.enveloped && this.sealed;
	}

	@Override
	public boolean isReadOnly() {
		return this.sealed || super.isReadOnly();
	}

	@Override
	public Headers add(String key, String... values) {
		checkNotSealed();
		return super.add(key, values);
	}

	@Override
	public Headers add(String key, Collection<String> values) {
		checkNotSealed();
		return super.add(key, values);
	}

	@Override
	public Headers put(String key, String... values) {
		checkNotSealed();
		changing(key);
		return super.put(key, values);
	}

	@Override
	public Headers put(String key, Collection<String> values) {
		checkNotSealed();
		changing(key);
		return super.put(key, values);
	}

	@Override
	public Headers put(Map<String, List<String>> map) {
		checkNotSealed();
		this.enveloped = false;
		return super.put(map);
	}

	@Override
	public void remove(String... keys) {
		checkNotSealed();
		this.enveloped = false;
		super.remove(keys);
	}

	@Override
	public void remove(Collection<String> keys) {
		checkNotSealed();
		this.enveloped = false;
		super.remove(keys);
	}

	@Override
	public void clear() {
		checkNotSealed();
		this.enveloped = false;
		super.clear();
	}

	/** Replacing an envelope header may remove it (an empty value): the envelope is then checked again. */
	private void changing(String key) {
		if (this.enveloped && (NatsHeaders.MESSAGE_ID.equals(key) || NatsHeaders.CORRELATION_ID.equals(key))) {
			this.enveloped = false;
		}
	}

	private void checkNotSealed() {
		if (this.sealed) {
			throw new UnsupportedOperationException("The headers of a message handed to NATS cannot be changed");
		}
	}

}
