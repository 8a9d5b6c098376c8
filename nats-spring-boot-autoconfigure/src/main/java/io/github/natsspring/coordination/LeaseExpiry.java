package io.github.natsspring.coordination;

/**
 * How a lease whose holder stopped renewing it ends.
 */
public enum LeaseExpiry {

	/**
	 * Every write of a lease carries its TTL ({@code Nats-TTL}) and the server removes it when the TTL passes:
	 * nats-server 2.11 or newer, in a bucket that allows per-key TTL ({@code limit-marker-ttl}).
	 */
	MESSAGE_TTL,

	/**
	 * The fallback for servers without per-message TTL: a contender that sees the same revision of a lease for longer
	 * than the lease's TTL takes it over with a compare-and-set on that revision, and the bucket's max-age removes
	 * entries nobody renews.
	 */
	REVISION_CHECK

}
