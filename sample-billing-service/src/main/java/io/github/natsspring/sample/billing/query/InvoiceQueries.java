package io.github.natsspring.sample.billing.query;

import java.util.Comparator;
import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.kv.watch.KvView;
import io.github.natsspring.sample.billing.invoice.InvoiceNotFoundException;

/**
 * Answers queries from the read model the projection maintains ({@code INVOICE_VIEWS}): one invoice straight from
 * the bucket, lists from an in-memory view of it that a watcher keeps current. Queries see a change once its event
 * was projected: eventually consistent, usually within milliseconds.
 */
@Component
public class InvoiceQueries {

	private final KeyValueTemplate views;

	private final KvView<InvoiceView> allViews;

	public InvoiceQueries(@Qualifier("INVOICE_VIEWS") KeyValueTemplate views, KvView<InvoiceView> invoiceViews) {
		this.views = views;
		this.allViews = invoiceViews;
	}

	public InvoiceView byId(String id) {
		InvoiceView view = this.views.get(id, InvoiceView.class);
		if (view == null) {
			throw new InvoiceNotFoundException(id);
		}
		return view;
	}

	public List<InvoiceView> list(ListInvoices filter) {
		ListInvoices criteria = (filter != null) ? filter : new ListInvoices(null, null);
		return this.allViews.asMap()
			.values()
			.stream()
			.filter((view) -> criteria.customerId() == null
					|| criteria.customerId().equals(view.invoice().customerId()))
			.filter((view) -> criteria.status() == null || criteria.status() == view.invoice().status())
			.sorted(Comparator.comparing((InvoiceView view) -> view.invoice().createdAt()))
			.toList();
	}

}
