package io.github.natsspring.aot;

import java.util.List;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.ObjectStore;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

import io.github.natsspring.jetstream.reconcile.ConsumerDeclaration;
import io.github.natsspring.jetstream.reconcile.KeyValueDeclaration;
import io.github.natsspring.jetstream.reconcile.ObjectStoreDeclaration;
import io.github.natsspring.jetstream.reconcile.PlacementDeclaration;
import io.github.natsspring.jetstream.reconcile.RepublishDeclaration;
import io.github.natsspring.jetstream.reconcile.SourceDeclaration;
import io.github.natsspring.jetstream.reconcile.StreamDeclaration;
import io.github.natsspring.jetstream.reconcile.SubjectTransformDeclaration;

/**
 * What the starter itself reflects on, for native images: the declaration records (merged and copied through
 * their record components and canonical constructors, and bound from {@code nats.jetstream.*}), and the JDK proxies
 * that stand in for the connection and for buckets until NATS is there.
 */
public class NatsRuntimeHints implements RuntimeHintsRegistrar {

	/** The records of {@code nats.jetstream.*}; their components are read and their constructors called. */
	static final List<Class<? extends Record>> DECLARATIONS = List.of(StreamDeclaration.class,
			ConsumerDeclaration.class, KeyValueDeclaration.class, ObjectStoreDeclaration.class,
			SourceDeclaration.class, RepublishDeclaration.class, SubjectTransformDeclaration.class,
			PlacementDeclaration.class);

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		for (Class<? extends Record> declaration : DECLARATIONS) {
			hints.reflection()
				.registerType(declaration, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
						MemberCategory.INVOKE_PUBLIC_METHODS, MemberCategory.ACCESS_DECLARED_FIELDS);
		}
		hints.proxies().registerJdkProxy(Connection.class);
		hints.proxies().registerJdkProxy(KeyValue.class);
		hints.proxies().registerJdkProxy(ObjectStore.class);
	}

}
