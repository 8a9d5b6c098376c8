package io.github.natsspring.sample.billing.flags;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import io.github.natsspring.annotation.KvWatch;
import io.github.natsspring.kv.watch.KvHeaders;
import io.github.natsspring.kv.watch.KvView;

/**
 * Feature flags live in the {@code BILLING_FLAGS} KV bucket (declared in {@code application.yml}).
 */
@Configuration(proxyBeanMethods = false)
class FlagsConfiguration {

	private static final Log logger = LogFactory.getLog(FlagsConfiguration.class);

	/** The flags as an always-current map, kept up to date by a watcher. */
	@Bean
	KvView<String> billingFlags() {
		return KvView.builder("BILLING_FLAGS", String.class).id("billing-flags").build();
	}

	/** Every flag change, in order, for the log. */
	@KvWatch(bucket = "BILLING_FLAGS", updatesOnly = "true", id = "flag-changes")
	void onFlagChange(@Header(KvHeaders.KEY) String key, String value) {
		logger.info("Feature flag " + key + " is now " + ((value != null) ? "'" + value + "'" : "unset"));
	}

}
