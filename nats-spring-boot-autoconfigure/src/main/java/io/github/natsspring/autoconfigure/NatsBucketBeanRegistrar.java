package io.github.natsspring.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.nats.client.KeyValue;
import io.nats.client.ObjectStore;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
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
import io.github.natsspring.kv.LazyKeyValue;
import io.github.natsspring.objectstore.LazyObjectStore;
import io.github.natsspring.objectstore.ObjectStoreTemplate;

/**
 * Registers, for every bucket under {@code nats.jetstream.key-value} and {@code nats.jetstream.object-store}, a
 * {@link KeyValue} or {@link ObjectStore} bean and its {@link KeyValueTemplate} or {@link ObjectStoreTemplate}, each
 * qualified with the bucket name: {@code @Qualifier("CONFIG") KeyValue config}. The buckets open on first use, so
 * creating these beans does no I/O.
 */
class NatsBucketBeanRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, BeanFactoryAware {

	private Environment environment;

	private BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = beanFactory;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		Binder binder = Binder.get(this.environment);
		for (String bucket : names(binder.bind("nats.jetstream.key-value",
				Bindable.mapOf(String.class, KeyValueDeclaration.class))
			.orElse(Map.of()), KeyValueDeclaration::name)) {
			String keyValueBean = "natsKeyValue." + bucket;
			register(registry, keyValueBean, KeyValue.class, bucket,
					() -> LazyKeyValue.create(this.beanFactory.getBean(NatsConnectionManager.class), bucket,
							jetStreamApi()));
			register(registry, "natsKeyValueTemplate." + bucket, KeyValueTemplate.class, bucket,
					() -> new KeyValueTemplate(this.beanFactory.getBean(keyValueBean, KeyValue.class),
							this.beanFactory.getBean(NatsMessageConverter.class)));
		}
		for (String bucket : names(binder.bind("nats.jetstream.object-store",
				Bindable.mapOf(String.class, ObjectStoreDeclaration.class))
			.orElse(Map.of()), ObjectStoreDeclaration::name)) {
			String objectStoreBean = "natsObjectStore." + bucket;
			register(registry, objectStoreBean, ObjectStore.class, bucket,
					() -> LazyObjectStore.create(this.beanFactory.getBean(NatsConnectionManager.class), bucket,
							jetStreamApi()));
			register(registry, "natsObjectStoreTemplate." + bucket, ObjectStoreTemplate.class, bucket,
					() -> new ObjectStoreTemplate(this.beanFactory.getBean(objectStoreBean, ObjectStore.class)));
		}
	}

	private JetStreamApi jetStreamApi() {
		return this.beanFactory.getBeanProvider(JetStreamApi.class).getIfAvailable(JetStreamApi::connected);
	}

	private static <D> Set<String> names(Map<String, D> declarations, java.util.function.Function<D, String> name) {
		Set<String> names = new LinkedHashSet<>();
		declarations.forEach((key, declaration) -> {
			String explicit = name.apply(declaration);
			names.add((explicit != null && !explicit.isBlank()) ? explicit : key);
		});
		return names;
	}

	private static <T> void register(BeanDefinitionRegistry registry, String beanName, Class<T> type, String bucket,
			Supplier<T> supplier) {
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(type, supplier);
		definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, bucket));
		registry.registerBeanDefinition(beanName, definition);
	}

}
