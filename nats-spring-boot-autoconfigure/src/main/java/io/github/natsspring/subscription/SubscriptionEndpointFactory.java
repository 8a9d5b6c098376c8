package io.github.natsspring.subscription;

import java.lang.reflect.Method;
import java.util.List;

import org.springframework.util.StringUtils;

import io.github.natsspring.annotation.NatsListener;
import io.github.natsspring.core.NatsInvalidSubjectException;
import io.github.natsspring.core.Subjects;
import io.github.natsspring.listener.ListenerContext;
import io.github.natsspring.listener.ListenerMethod;
import io.github.natsspring.listener.NatsListenerEndpoint;
import io.github.natsspring.listener.NatsListenerEndpointFactory;

/**
 * Turns {@link NatsListener @NatsListener} methods into core subscription endpoints.
 */
public class SubscriptionEndpointFactory implements NatsListenerEndpointFactory<NatsListener> {

	@Override
	public Class<NatsListener> getAnnotationType() {
		return NatsListener.class;
	}

	@Override
	public NatsListenerEndpoint createEndpoint(Object bean, String beanName, Method method, NatsListener annotation,
			ListenerContext context) {
		String where = "@NatsListener on " + ListenerContext.describe(method);
		String subject = context.resolve(annotation.subject());
		try {
			Subjects.validateSubscribeSubject(subject);
		}
		catch (NatsInvalidSubjectException ex) {
			throw new IllegalStateException(where + ": " + ex.getMessage(), ex);
		}
		String queue = context.resolve(annotation.queue());
		if (StringUtils.hasText(queue) && (queue.contains(" ") || queue.contains("*") || queue.contains(">"))) {
			throw new IllegalStateException(where + ": invalid queue group '" + queue + "'");
		}
		int concurrency = context.resolveInt(annotation.concurrency(), 1, where + ": concurrency");
		if (concurrency < 1) {
			throw new IllegalStateException(where + ": concurrency must be at least 1, was " + concurrency);
		}
		String id = context.resolve(annotation.id());
		if (!StringUtils.hasText(id)) {
			id = beanName + "." + method.getName();
		}
		ListenerMethod listenerMethod = context.createListenerMethod(bean, method, "@NatsListener", List.of());
		return new SubscriptionEndpoint(id, subject, StringUtils.hasText(queue) ? queue : null, concurrency,
				listenerMethod, context.resolveBoolean(annotation.autoStartup(), true, where + ": autoStartup"));
	}

}
