package io.github.natsspring.sample.billing.document;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import io.github.natsspring.objectstore.ObjectStoreTemplate;
import io.github.natsspring.sample.billing.invoice.Invoice;

/**
 * Renders invoices as customer-facing JSON documents and keeps them in the {@code INVOICE_DOCUMENTS} object
 * store, one object per invoice, replaced when the invoice changes.
 */
@Component
public class InvoiceDocuments {

	private final ObjectStoreTemplate documents;

	private final JsonMapper json;

	public InvoiceDocuments(@Qualifier("INVOICE_DOCUMENTS") ObjectStoreTemplate documents, JsonMapper jsonMapper) {
		this.documents = documents;
		this.json = jsonMapper.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();
	}

	/**
	 * Renders and stores the document of an invoice.
	 * @param invoice the invoice
	 * @return the object name
	 */
	public String store(Invoice invoice) {
		String name = nameOf(invoice.id());
		this.documents.put(name, render(invoice));
		return name;
	}

	/**
	 * The stored document.
	 * @param invoiceId the invoice
	 * @return the document bytes
	 */
	public byte[] load(String invoiceId) {
		return this.documents.getBytes(nameOf(invoiceId));
	}

	static String nameOf(String invoiceId) {
		return "invoices/" + invoiceId + ".json";
	}

	byte[] render(Invoice invoice) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("invoice", invoice.id());
		document.put("customer", invoice.customerId());
		document.put("status", invoice.status());
		document.put("issued", invoice.createdAt().toString());
		List<Map<String, Object>> lines = invoice.lines()
			.stream()
			.map((line) -> {
				Map<String, Object> rendered = new LinkedHashMap<>();
				rendered.put("description", line.description());
				rendered.put("quantity", line.quantity());
				rendered.put("unitPrice", money(line.unitPriceCents()));
				rendered.put("amount", money(line.amountCents()));
				return rendered;
			})
			.toList();
		document.put("lines", lines);
		document.put("subtotal", money(invoice.subtotalCents()));
		document.put("tax", money(invoice.taxCents()) + " (" + invoice.taxRule().getPercent() + "%)");
		document.put("total", money(invoice.totalCents()));
		return this.json.writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
	}

	private static String money(long cents) {
		return String.format(Locale.ROOT, "%d.%02d", cents / 100, Math.abs(cents % 100));
	}

}
