package io.github.natsspring.objectstore;

/**
 * The object store has no object of that name (never put, or deleted). Unlike other
 * {@link ObjectStoreException}s this says nothing about the health of the store: map it to "not found".
 */
public class ObjectStoreObjectNotFoundException extends ObjectStoreException {

	private final String bucket;

	private final String objectName;

	public ObjectStoreObjectNotFoundException(String bucket, String objectName) {
		super("Object store '" + bucket + "' has no object '" + objectName + "'", null);
		this.bucket = bucket;
		this.objectName = objectName;
	}

	public String getBucket() {
		return this.bucket;
	}

	public String getObjectName() {
		return this.objectName;
	}

}
