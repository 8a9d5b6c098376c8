package io.github.natsspring.jetstream.reconcile;

/**
 * A subject transform of a stream: messages arriving on {@code source} are stored under {@code destination}.
 *
 * @param source the subjects to transform, wildcards allowed
 * @param destination the subject they are stored under; may reference wildcards as {{wildcard(1)}}
 */
public record SubjectTransformDeclaration(String source, String destination) {

	@Override
	public String toString() {
		return this.source + " -> " + this.destination;
	}

}
