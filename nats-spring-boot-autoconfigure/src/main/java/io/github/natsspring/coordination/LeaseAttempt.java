package io.github.natsspring.coordination;

import java.util.Optional;

/**
 * The outcome of one attempt to acquire a lease: the lease, or who holds it.
 *
 * @param lease the lease acquired, {@code null} when someone else holds it
 * @param holder who holds it when not acquired ({@code null} when acquired, or when the holder is not known)
 */
public record LeaseAttempt(Lease lease, LeaseHolder holder) {

	public boolean isAcquired() {
		return this.lease != null;
	}

	public Optional<Lease> asOptional() {
		return Optional.ofNullable(this.lease);
	}

}
