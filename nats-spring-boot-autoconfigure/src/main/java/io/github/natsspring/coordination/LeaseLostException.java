package io.github.natsspring.coordination;

/**
 * A lease is no longer held: it expired, or another holder acquired it after it expired. Whatever the holder does
 * from now on may overlap with the next holder; a resource that checks {@linkplain Lease#fencingToken() fencing
 * tokens} rejects it.
 */
public class LeaseLostException extends CoordinationException {

	private final Lease lease;

	public LeaseLostException(Lease lease, String message) {
		super(message);
		this.lease = lease;
	}

	/**
	 * The lease as it was last held.
	 * @return the lease
	 */
	public Lease getLease() {
		return this.lease;
	}

}
