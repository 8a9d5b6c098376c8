package io.github.natsspring.kv.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.util.StringUtils;

import io.github.natsspring.jetstream.JetStreamApi;
import io.github.natsspring.listener.InvalidListenerMethodException;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.NatsListenerEndpointRegistry;

/**
 * Gives every {@link KvView} bean a watcher: once all singletons exist, registers one endpoint per view with the
 * {@link NatsListenerEndpointRegistry}, which starts it with the other listeners. An invalid bucket or key fails
 * startup naming the bean.
 */
public class KvViewRegistrar implements SmartInitializingSingleton, BeanFactoryAware, ApplicationEventPublisherAware {

	private ListableBeanFactory beanFactory;

	private ApplicationEventPublisher eventPublisher;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	@Override
	@SuppressWarnings("rawtypes")
	public void afterSingletonsInstantiated() {
		Map<String, KvView> views = this.beanFactory.getBeansOfType(KvView.class, false, false);
		if (views.isEmpty()) {
			return;
		}
		NatsListenerEndpointRegistry registry = this.beanFactory.getBean(NatsListenerEndpointRegistry.class);
		ListenerContext context = this.beanFactory.getBean(ListenerContext.class);
		views.forEach((beanName, view) -> registry.registerEndpoint(createEndpoint(beanName, view, context)));
	}

	private KvWatchEndpoint createEndpoint(String beanName, KvView<?> view, ListenerContext context) {
		String where = "KvView bean '" + beanName + "'";
		KvWatchSpec spec;
		String prefix = null;
		try {
			List<String> keys = new ArrayList<>();
			view.getDeclaredKeys().stream().map(context::resolve).forEach(keys::add);
			if (view.getDeclaredPrefix() != null) {
				prefix = context.resolve(view.getDeclaredPrefix()).trim();
				if (!prefix.endsWith(".")) {
					prefix = prefix + ".";
				}
				if (!keys.isEmpty()) {
					throw new IllegalArgumentException("set either keys or a prefix, not both");
				}
				keys.add(prefix + ">");
			}
			spec = KvWatchSpec.of(context.resolve(view.getDeclaredBucket()), keys, false, false, false, false);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidListenerMethodException(where + ": " + ex.getMessage(), ex);
		}
		String id = StringUtils.hasText(view.getId()) ? context.resolve(view.getId()) : beanName;
		KvEntryHandler handler = view.bind(spec.bucket(), prefix, context.getMessageConverter());
		return new KvWatchEndpoint(id, spec, handler, "KvView(" + spec + ") bean '" + beanName + "'", true,
				this.eventPublisher, view.getAwaitInitialValues(),
				this.beanFactory.getBeanProvider(JetStreamApi.class).getIfAvailable(JetStreamApi::connected));
	}

}
