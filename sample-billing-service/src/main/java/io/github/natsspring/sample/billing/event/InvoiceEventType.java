package io.github.natsspring.sample.billing.event;

import java.util.Locale;

/**
 * The kinds of invoice events; each has its own subject token.
 */
public enum InvoiceEventType {

	/** An invoice was created. */
	CREATED,
	/** An invoice was paid. */
	PAID,
	/** An invoice was voided. */
	VOIDED;

	public String subjectToken() {
		return name().toLowerCase(Locale.ROOT);
	}

}
