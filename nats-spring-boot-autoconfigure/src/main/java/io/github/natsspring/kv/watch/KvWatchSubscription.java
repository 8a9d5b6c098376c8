package io.github.natsspring.kv.watch;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.External;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.Mirror;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.support.NatsKeyValueUtil;

/**
 * One watch of a bucket: an ordered push consumer on a dispatcher of its own, set up the way jnats'
 * {@code KeyValue.watch} does it (same consumer configuration, same signal for the end of the initial values).
 * <p>
 * It is built here instead of with {@code KeyValue.watch} because of what a failed {@code KeyValue.watch} leaves
 * behind: jnats creates the dispatcher and the subscription first, then creates the consumer and asks for its
 * pending count, and when one of those requests fails (as they do while JetStream is still recovering after a
 * restart) the half-built watch is never returned, so nobody can close it. Measured with jnats 2.26.2: every failed
 * consumer creation left a dispatcher, every failed consumer-info request a dispatcher and a live ordered
 * subscription whose consumer jnats keeps re-creating. Here a failure closes the dispatcher, which ends every
 * subscription on it.
 */
final class KvWatchSubscription {

	private final Connection connection;

	private final Dispatcher dispatcher;

	private final JetStreamSubscription subscription;

	private KvWatchSubscription(Connection connection, Dispatcher dispatcher, JetStreamSubscription subscription) {
		this.connection = connection;
		this.dispatcher = dispatcher;
		this.subscription = subscription;
	}

	/**
	 * Creates a watch.
	 * @param connection the connection
	 * @param jetStreamOptions the JetStream the bucket lives in
	 * @param bucket the bucket
	 * @param stream the bucket's stream as just read from the server
	 * @param keys the key patterns
	 * @param fromRevision the first revision to deliver, or 0 for the current value of each key
	 * @param includeHistory with {@code fromRevision} 0: every stored revision instead of the current values
	 * @param metaOnly whether to fetch metadata only
	 * @param watcher receives the entries on the dispatcher's thread, and the end of the initial values once (on
	 * that thread, or on the calling one when there is nothing to deliver)
	 * @return the watch
	 * @throws IOException if a request fails or times out; nothing is left subscribed
	 * @throws JetStreamApiException if the server refuses; nothing is left subscribed
	 */
	static KvWatchSubscription create(Connection connection, JetStreamOptions jetStreamOptions, String bucket,
			StreamInfo stream, List<String> keys,
			long fromRevision, boolean includeHistory, boolean metaOnly, KeyValueWatcher watcher)
			throws IOException, JetStreamApiException {
		String prefix = readPrefix(bucket, stream.getConfiguration());
		ConsumerConfiguration.Builder consumer = ConsumerConfiguration.builder()
			.ackPolicy(AckPolicy.None)
			.headersOnly(metaOnly)
			.filterSubjects(keys.stream().map((key) -> prefix + key).toList());
		if (fromRevision > 0) {
			consumer.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(fromRevision);
		}
		else {
			consumer.deliverPolicy(includeHistory ? DeliverPolicy.All : DeliverPolicy.LastPerSubject);
		}
		PushSubscribeOptions options = PushSubscribeOptions.builder()
			.stream(NatsKeyValueUtil.toStreamName(bucket))
			.ordered(true)
			.configuration(consumer.build())
			.build();
		AtomicBoolean endOfData = new AtomicBoolean();
		Dispatcher dispatcher = connection.createDispatcher();
		try {
			JetStreamSubscription subscription = connection.jetStream(jetStreamOptions).subscribe(null, dispatcher, (message) -> {
				KeyValueEntry entry = new KeyValueEntry(message);
				watcher.watch(entry);
				if (entry.getDelta() == 0 && endOfData.compareAndSet(false, true)) {
					watcher.endOfData();
				}
			}, false, options);
			if (!endOfData.get() && subscription.getConsumerInfo().getCalculatedPending() == 0
					&& endOfData.compareAndSet(false, true)) {
				watcher.endOfData();
			}
			return new KvWatchSubscription(connection, dispatcher, subscription);
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			close(connection, dispatcher);
			throw ex;
		}
	}

	/**
	 * The subject prefix of the bucket's keys, as jnats' {@code NatsKeyValue} works it out: a mirror of a bucket in
	 * another domain keeps the keys under the source bucket's name.
	 */
	private static String readPrefix(String bucket, StreamConfiguration configuration) {
		Mirror mirror = configuration.getMirror();
		External external = (mirror != null) ? mirror.getExternal() : null;
		if (external != null && external.getApi() != null) {
			return NatsKeyValueUtil.toKeyPrefix(NatsKeyValueUtil.trimPrefix(mirror.getName()));
		}
		return NatsKeyValueUtil.toKeyPrefix(bucket);
	}

	/**
	 * What the server says about the watch's consumer (the one jnats currently uses for it).
	 * @return the consumer info, {@code null} if the server does not know the consumer
	 * @throws IOException if the request fails or times out
	 * @throws JetStreamApiException if the server refuses, for example because the consumer is gone
	 */
	ConsumerInfo consumerInfo() throws IOException, JetStreamApiException {
		return this.subscription.getConsumerInfo();
	}

	/**
	 * Ends the watch: closes its dispatcher and with it the subscription. Never throws.
	 */
	void close() {
		close(this.connection, this.dispatcher);
	}

	private static void close(Connection connection, Dispatcher dispatcher) {
		try {
			connection.closeDispatcher(dispatcher);
		}
		catch (RuntimeException ex) {
			// the connection is closed, or the dispatcher already is
		}
	}

}
