package io.github.natsspring.coordination;

import java.time.Duration;
import java.time.Instant;

/**
 * Who holds a lease, as the coordination bucket says.
 *
 * @param key the key in the coordination bucket
 * @param holder the holder's instance id ({@code null} when the value was not written by a lease)
 * @param revision the revision of the holder's latest write
 * @param ttl the TTL the holder gave the lease ({@code null} when unknown)
 * @param writtenAt when the server stored the holder's latest write
 */
public record LeaseHolder(String key, String holder, long revision, Duration ttl, Instant writtenAt) {

}
