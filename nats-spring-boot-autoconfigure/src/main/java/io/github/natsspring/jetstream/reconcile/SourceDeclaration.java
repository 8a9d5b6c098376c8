package io.github.natsspring.jetstream.reconcile;

import java.time.OffsetDateTime;

/**
 * The origin of a mirror or of a source of a stream.
 *
 * @param name the name of the stream to copy from
 * @param filterSubject only messages on these subjects are copied
 * @param startSequence the sequence to start copying at
 * @param startTime the time to start copying at
 * @param domain the JetStream domain of the stream to copy from, when it is in another domain than this stream
 * (a leaf node's stream sourcing from the hub's names the hub's domain)
 */
public record SourceDeclaration(String name, String filterSubject, Long startSequence, OffsetDateTime startTime,
		String domain) {

	/**
	 * A source or mirror of a whole stream.
	 * @param name the stream to copy from
	 * @return the declaration
	 */
	public static SourceDeclaration of(String name) {
		return new SourceDeclaration(name, null, null, null, null);
	}

	/**
	 * A source or mirror of a whole stream in another JetStream domain.
	 * @param name the stream to copy from
	 * @param domain the domain it is in
	 * @return the declaration
	 */
	public static SourceDeclaration of(String name, String domain) {
		return new SourceDeclaration(name, null, null, null, domain);
	}

}
