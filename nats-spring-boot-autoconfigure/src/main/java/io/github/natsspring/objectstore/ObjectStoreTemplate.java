package io.github.natsspring.objectstore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;

import org.springframework.core.io.Resource;
import org.springframework.core.io.WritableResource;

/**
 * Puts and gets objects of one object store bucket from streams, byte arrays and Spring {@link Resource}s. Objects
 * are chunked by the server-side layout jnats uses, so they may be far larger than a message; reads verify the
 * digest.
 */
public class ObjectStoreTemplate {

	private final ObjectStore objectStore;

	public ObjectStoreTemplate(ObjectStore objectStore) {
		this.objectStore = objectStore;
	}

	public String getBucketName() {
		return this.objectStore.getBucketName();
	}

	/**
	 * Stores an object read from a stream (the stream is read to its end, not closed).
	 * @param name the object name
	 * @param content the content
	 * @return the stored object's info (size, chunks, digest)
	 */
	public ObjectInfo put(String name, InputStream content) {
		return call(name, () -> this.objectStore.put(name, content));
	}

	/**
	 * Stores an object.
	 * @param name the object name
	 * @param content the content
	 * @return the stored object's info
	 */
	public ObjectInfo put(String name, byte[] content) {
		return call(name, () -> this.objectStore.put(name, content));
	}

	/**
	 * Stores a resource's content, for example {@code file:build/app.jar} or {@code classpath:seed.json}.
	 * @param name the object name
	 * @param resource the resource
	 * @return the stored object's info
	 */
	public ObjectInfo put(String name, Resource resource) {
		return call(name, () -> {
			try (InputStream content = resource.getInputStream()) {
				return this.objectStore.put(name, content);
			}
		});
	}

	/**
	 * Writes an object to a stream (not closed).
	 * @param name the object name
	 * @param target where the content goes
	 * @return the object's info
	 * @throws ObjectStoreObjectNotFoundException if there is no such object
	 */
	public ObjectInfo get(String name, OutputStream target) {
		requireObject(name);
		return call(name, () -> this.objectStore.get(name, target));
	}

	/**
	 * Writes an object to a resource, for example a {@code FileSystemResource}.
	 * @param name the object name
	 * @param target where the content goes
	 * @return the object's info
	 */
	public ObjectInfo get(String name, WritableResource target) {
		requireObject(name);
		return call(name, () -> {
			try (OutputStream out = target.getOutputStream()) {
				return this.objectStore.get(name, out);
			}
		});
	}

	/**
	 * An object's content.
	 * @param name the object name
	 * @return the content
	 * @throws ObjectStoreObjectNotFoundException if there is no such object
	 */
	public byte[] getBytes(String name) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		get(name, out);
		return out.toByteArray();
	}

	/**
	 * An object's info.
	 * @param name the object name
	 * @return the info, or {@code null} when there is no such object
	 */
	public ObjectInfo getInfo(String name) {
		return call(name, () -> this.objectStore.getInfo(name));
	}

	/**
	 * Deletes an object.
	 * @param name the object name
	 */
	public void delete(String name) {
		call(name, () -> this.objectStore.delete(name));
	}

	/**
	 * The objects in the bucket.
	 * @return their infos
	 */
	public List<ObjectInfo> list() {
		return call("*", this.objectStore::getList);
	}

	/**
	 * The jnats bucket, for links, metadata and watches.
	 * @return the object store
	 */
	public ObjectStore getObjectStore() {
		return this.objectStore;
	}

	/** A typed "not found" instead of jnats' client error, so callers can tell a missing object from an outage. */
	private void requireObject(String name) {
		ObjectInfo info = getInfo(name);
		if (info == null || info.isDeleted()) {
			throw new ObjectStoreObjectNotFoundException(getBucketName(), name);
		}
	}

	private <R> R call(String name, Operation<R> operation) {
		try {
			return operation.run();
		}
		catch (JetStreamApiException ex) {
			throw new ObjectStoreException("Object store '" + getBucketName() + "' refused the operation on '" + name
					+ "': " + ex.getErrorDescription() + " (JetStream error " + ex.getApiErrorCode() + ")", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ObjectStoreException("Interrupted while working on '" + name + "'", ex);
		}
		catch (Exception ex) {
			throw new ObjectStoreException("Object store '" + getBucketName() + "' failed on '" + name + "': "
					+ ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	private interface Operation<R> {

		R run() throws Exception;

	}

}
