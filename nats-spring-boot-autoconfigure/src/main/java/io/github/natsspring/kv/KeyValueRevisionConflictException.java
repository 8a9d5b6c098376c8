package io.github.natsspring.kv;

/**
 * A compare-and-set failed: the key's latest revision was not the expected one (JetStream error 10071), so someone
 * else wrote it in between. Read it again and retry, or give up.
 */
public class KeyValueRevisionConflictException extends KeyValueException {

	private final String bucket;

	private final String key;

	private final long expectedRevision;

	public KeyValueRevisionConflictException(String bucket, String key, long expectedRevision, Throwable cause) {
		super("Key '" + key + "' of bucket '" + bucket + "' is no longer at revision " + expectedRevision
				+ ": it was changed in between", cause);
		this.bucket = bucket;
		this.key = key;
		this.expectedRevision = expectedRevision;
	}

	public String getBucket() {
		return this.bucket;
	}

	public String getKey() {
		return this.key;
	}

	public long getExpectedRevision() {
		return this.expectedRevision;
	}

}
