package io.github.natsspring.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.nats.client.KeyValue;
import io.nats.client.ObjectStore;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

import io.github.natsspring.connection.NatsConnectionManager;
import io.github.natsspring.core.NatsMessageConverter;
import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.jetstream.reconcile.KeyValueDeclaration;
import io.github.natsspring.jetstream.reconcile.ObjectStoreDeclaration;
import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.objectstore.ObjectStoreTemplate;

/**
 * Registers, for every bucket under {@code nats.jetstream.key-value} and {@code nats.jetstream.object-store}, a
 * {@link KeyValue} or {@link ObjectStore} bean and its {@link KeyValueTemplate} or {@link ObjectStoreTemplate}, each
 * qualified with the bucket name: {@code @Qualifier("CONFIG") KeyValue config}. The buckets open on first use, so
 * creating these beans does no I/O.
 */
class NatsBucketBeanRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		Binder binder = Binder.get(this.environment);
		for (String bucket : names(binder.bind("nats.jetstream.key-value",
				Bindable.mapOf(String.class, KeyValueDeclaration.class))
			.orElse(Map.of()), KeyValueDeclaration::name)) {
			String keyValueBean = "natsKeyValue." + bucket;
			register(registry, keyValueBean, KeyValue.class, bucket, "keyValue",
					new RuntimeBeanReference(NatsConnectionManager.class), bucket,
					new RuntimeBeanReference(JetStreamApi.class));
			register(registry, "natsKeyValueTemplate." + bucket, KeyValueTemplate.class, bucket, "keyValueTemplate",
					new RuntimeBeanReference(keyValueBean), new RuntimeBeanReference(NatsMessageConverter.class));
		}
		for (String bucket : names(binder.bind("nats.jetstream.object-store",
				Bindable.mapOf(String.class, ObjectStoreDeclaration.class))
			.orElse(Map.of()), ObjectStoreDeclaration::name)) {
			String objectStoreBean = "natsObjectStore." + bucket;
			register(registry, objectStoreBean, ObjectStore.class, bucket, "objectStore",
					new RuntimeBeanReference(NatsConnectionManager.class), bucket,
					new RuntimeBeanReference(JetStreamApi.class));
			register(registry, "natsObjectStoreTemplate." + bucket, ObjectStoreTemplate.class, bucket,
					"objectStoreTemplate", new RuntimeBeanReference(objectStoreBean));
		}
	}


	private static <D> Set<String> names(Map<String, D> declarations, java.util.function.Function<D, String> name) {
		Set<String> names = new LinkedHashSet<>();
		declarations.forEach((key, declaration) -> {
			String explicit = name.apply(declaration);
			names.add((explicit != null && !explicit.isBlank()) ? explicit : key);
		});
		return names;
	}

	/**
	 * Registers a bean made by a factory method of {@link NatsBucketBeans} with explicit arguments, a definition AOT
	 * processing can turn into code.
	 */
	private static void register(BeanDefinitionRegistry registry, String beanName, Class<?> type, String bucket,
			String factoryMethod, Object... arguments) {
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(NatsBucketBeans.class);
		definition.setFactoryMethodName(factoryMethod);
		definition.setTargetType(type);
		for (int i = 0; i < arguments.length; i++) {
			definition.getConstructorArgumentValues().addIndexedArgumentValue(i, arguments[i]);
		}
		definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, bucket));
		registry.registerBeanDefinition(beanName, definition);
	}

}
