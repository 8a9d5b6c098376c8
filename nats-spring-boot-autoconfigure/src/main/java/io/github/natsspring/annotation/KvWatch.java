package io.github.natsspring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

import io.github.natsspring.aot.ListenerMethodReflectiveProcessor;
import io.github.natsspring.listener.ListenerAnnotation;

/**
 * Marks a bean method as the watcher of a JetStream key-value bucket: the method first sees the current value of
 * every matching key, then every change (put, delete, purge), one at a time, in revision order.
 * <p>
 * Parameters are resolved by type and annotation: {@link io.nats.client.api.KeyValueEntry}, the
 * {@link io.nats.client.api.KeyValueOperation}, {@code @Header(KvHeaders.KEY) String key},
 * {@code @Header(KvHeaders.REVISION) long revision}, {@code @Header(KvHeaders.INITIAL) boolean initial}, and one
 * more parameter of any type for the value ({@code byte[]}, {@code String}, or JSON converted to the type;
 * {@code null} or {@code Optional.empty()} for deletes and purges). See
 * {@link io.github.natsspring.kv.watch.KvHeaders}.
 * <p>
 * The watch survives reconnects and server restarts: it resumes after the last revision it saw, so no change is
 * missed and none is delivered twice. An exception thrown by the method is logged and the watch goes on. Once the
 * initial values are delivered a {@link io.github.natsspring.kv.watch.KvWatchReadyEvent} is published. Attributes
 * accept {@code ${...}} placeholders, the options too ({@code updatesOnly = "${app.updates-only:false}"}): they must
 * resolve to {@code true} or {@code false}, or be empty for the default.
 *
 * <pre>{@code
 * @KvWatch(bucket = "FLAGS", keys = "flags.>")
 * void onFlag(@Header(KvHeaders.KEY) String key, Flag flag, KeyValueOperation operation) { ... }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(ListenerMethodReflectiveProcessor.class)
@ListenerAnnotation
public @interface KvWatch {

	/**
	 * The bucket to watch.
	 * @return the bucket name
	 */
	String bucket();

	/**
	 * Keys to watch: exact keys or patterns with the wildcards {@code *} (one token) and {@code >} (the rest), for
	 * example {@code flags.>}. Empty (the default) watches the whole bucket. A placeholder may resolve to a
	 * comma-separated list.
	 * @return the keys
	 */
	String[] keys() default {};

	/**
	 * Whether to start with every stored revision of the matching keys (as far as the bucket's history keeps
	 * them) instead of only the current value of each: {@code "true"} or {@code "false"} (the default), or a
	 * placeholder resolving to one.
	 * @return whether to include history
	 */
	String includeHistory() default "false";

	/**
	 * Whether to skip the current values and deliver only changes made after the watch started: {@code "true"} or
	 * {@code "false"} (the default), or a placeholder resolving to one.
	 * @return whether to deliver updates only
	 */
	String updatesOnly() default "false";

	/**
	 * Whether to leave out deletes and purges: {@code "true"} or {@code "false"} (the default), or a placeholder
	 * resolving to one.
	 * @return whether to ignore deletes
	 */
	String ignoreDeletes() default "false";

	/**
	 * Whether to receive only the metadata of each entry (key, revision, operation, size), without the value:
	 * {@code "true"} or {@code "false"} (the default), or a placeholder resolving to one. A method watching with
	 * {@code metaOnly} cannot have a value parameter.
	 * @return whether to fetch metadata only
	 */
	String metaOnly() default "false";

	/**
	 * Id of the watcher (for logs, health and the ready event); defaults to {@code beanName.methodName}.
	 * @return the id
	 */
	String id() default "";

	/**
	 * Whether the watcher starts with the application: {@code "true"} (the default) or {@code "false"}, or a
	 * placeholder resolving to one.
	 * @return whether to start automatically
	 */
	String autoStartup() default "true";

}
