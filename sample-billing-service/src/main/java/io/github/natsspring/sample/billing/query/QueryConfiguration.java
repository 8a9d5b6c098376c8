package io.github.natsspring.sample.billing.query;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.natsspring.kv.watch.KvView;

/**
 * The read model as an always-current in-memory view, for queries over many invoices.
 */
@Configuration(proxyBeanMethods = false)
// the view's values are read from JSON, but appear in no listener's signature: a native image needs to be told
@RegisterReflectionForBinding(InvoiceView.class)
class QueryConfiguration {

	@Bean
	KvView<InvoiceView> invoiceViews() {
		return KvView.builder("INVOICE_VIEWS", InvoiceView.class).id("invoice-views").build();
	}

}
