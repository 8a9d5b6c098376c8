package io.github.natsspring.sample.billing.invoice;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * One billed item.
 *
 * @param description what it is
 * @param quantity how many
 * @param unitPriceCents price of one, in cents
 */
public record InvoiceLine(@NotBlank String description, @Positive int quantity, @PositiveOrZero long unitPriceCents) {

	public long amountCents() {
		return this.quantity * this.unitPriceCents;
	}

}
