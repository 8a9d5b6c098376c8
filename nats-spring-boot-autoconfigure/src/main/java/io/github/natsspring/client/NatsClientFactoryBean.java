package io.github.natsspring.client;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.util.StringValueResolver;

import io.github.natsspring.core.NatsOperations;
import io.github.natsspring.jetstream.JetStreamOperations;

/**
 * Creates the proxy of one client interface when the bean is created, with the application's
 * {@link NatsOperations} and {@link JetStreamOperations} and its placeholders; a method that cannot be served fails
 * the creation of this bean, so startup fails.
 *
 * @param <T> the client interface
 */
public class NatsClientFactoryBean<T> implements FactoryBean<T>, BeanFactoryAware, InitializingBean {

	private final Class<T> clientType;

	private ConfigurableBeanFactory beanFactory;

	private T client;

	public NatsClientFactoryBean(Class<T> clientType) {
		this.clientType = clientType;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public void afterPropertiesSet() {
		NatsOperations nats = this.beanFactory.getBeanProvider(NatsOperations.class).getIfAvailable();
		if (nats == null) {
			throw new InvalidNatsClientException("NATS client " + this.clientType.getName()
					+ " needs a NatsOperations bean (the NatsTemplate of the NATS auto-configuration), and there is none");
		}
		JetStreamOperations jetStream = this.beanFactory.getBeanProvider(JetStreamOperations.class).getIfAvailable();
		this.client = new NatsClientFactory(nats, jetStream, placeholderResolver()).createClient(this.clientType);
	}

	private StringValueResolver placeholderResolver() {
		return (value) -> {
			String resolved = this.beanFactory.resolveEmbeddedValue(value);
			BeanExpressionResolver expressions = this.beanFactory.getBeanExpressionResolver();
			if (resolved != null && expressions != null && resolved.contains("#{")) {
				Object evaluated = expressions.evaluate(resolved, new BeanExpressionContext(this.beanFactory, null));
				return (evaluated != null) ? evaluated.toString() : null;
			}
			return resolved;
		};
	}

	@Override
	public T getObject() {
		return this.client;
	}

	@Override
	public Class<?> getObjectType() {
		return this.clientType;
	}

}
