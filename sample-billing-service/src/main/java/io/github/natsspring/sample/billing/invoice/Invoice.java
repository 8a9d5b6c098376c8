package io.github.natsspring.sample.billing.invoice;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * An invoice as the write model keeps it (in the {@code INVOICES} KV bucket) and as events carry it.
 *
 * @param id the invoice id, chosen by the client: creating the same id twice is the same request
 * @param customerId the customer
 * @param lines what is billed
 * @param taxRule the tax rule applied when the invoice was created
 * @param subtotalCents sum of the lines
 * @param taxCents tax on the subtotal
 * @param totalCents subtotal plus tax
 * @param status where the invoice stands
 * @param createdAt when it was created
 * @param settledAt when it was paid or voided, or {@code null}
 * @param voidReason why it was voided, or {@code null}
 */
public record Invoice(@NotBlank String id, @NotBlank String customerId, @NotNull List<@Valid InvoiceLine> lines,
		@NotNull TaxRule taxRule, long subtotalCents, long taxCents, long totalCents, @NotNull InvoiceStatus status,
		@NotNull Instant createdAt, Instant settledAt, String voidReason) {

	/**
	 * Bills the lines with the given tax rule.
	 * @param id the invoice id
	 * @param customerId the customer
	 * @param lines the lines
	 * @param taxRule the tax rule in force
	 * @param now the creation time
	 * @return a new open invoice
	 */
	public static Invoice open(String id, String customerId, List<InvoiceLine> lines, TaxRule taxRule, Instant now) {
		long subtotal = lines.stream().mapToLong(InvoiceLine::amountCents).sum();
		long tax = taxRule.taxOn(subtotal);
		return new Invoice(id, customerId, List.copyOf(lines), taxRule, subtotal, tax, subtotal + tax,
				InvoiceStatus.OPEN, now, null, null);
	}

	public Invoice paid(Instant now) {
		return new Invoice(this.id, this.customerId, this.lines, this.taxRule, this.subtotalCents, this.taxCents,
				this.totalCents, InvoiceStatus.PAID, this.createdAt, now, null);
	}

	public Invoice voided(String reason, Instant now) {
		return new Invoice(this.id, this.customerId, this.lines, this.taxRule, this.subtotalCents, this.taxCents,
				this.totalCents, InvoiceStatus.VOID, this.createdAt, now, reason);
	}

	/**
	 * Whether a create request asks for this very invoice (a retry), as opposed to another one with the same id.
	 * @param customerId the requested customer
	 * @param lines the requested lines
	 * @return {@code true} for a retry
	 */
	public boolean sameRequest(String customerId, List<InvoiceLine> lines) {
		return Objects.equals(this.customerId, customerId) && Objects.equals(this.lines, lines);
	}

}
