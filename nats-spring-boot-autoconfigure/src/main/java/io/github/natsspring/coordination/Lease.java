package io.github.natsspring.coordination;

import java.time.Duration;

/**
 * A lease held by this instance: a key of the coordination bucket, written by this holder and kept only while it is
 * renewed within its TTL.
 * <p>
 * The {@linkplain #fencingToken() fencing token} is the revision (stream sequence) of the write that acquired the
 * lease. Revisions of a bucket only grow, so every later acquisition of the same lease, by anyone, has a larger
 * token. Hand the token to the resource the lease protects and let the resource refuse a token smaller than the
 * largest it has seen: a holder that lost its lease without noticing (a long pause, a network partition) can then do
 * no harm.
 *
 * @param name the lease's name
 * @param key the key in the coordination bucket
 * @param holder the holder's instance id
 * @param id identifies this acquisition among all acquisitions of the lease
 * @param fencingToken the revision of the acquiring write; constant while the lease is held
 * @param revision the revision of the latest write (acquisition or renewal), expected by the next renewal or release
 * @param ttl how long the lease lasts after each write without a renewal
 */
public record Lease(String name, String key, String holder, String id, long fencingToken, long revision,
		Duration ttl) {

	Lease renewed(long newRevision, Duration newTtl) {
		return new Lease(this.name, this.key, this.holder, this.id, this.fencingToken, newRevision, newTtl);
	}

	@Override
	public String toString() {
		return "Lease[" + this.key + " held by " + this.holder + ", fencing token " + this.fencingToken + ", revision "
				+ this.revision + ", ttl " + this.ttl + "]";
	}

}
