package io.github.natsspring.sample.billing.invoice;

/**
 * The tax rules the {@code tax.rule} feature flag switches between.
 */
public enum TaxRule {

	/** 20 %. */
	STANDARD(20),
	/** 5 %, for example during a promotion. */
	REDUCED(5);

	private final int percent;

	TaxRule(int percent) {
		this.percent = percent;
	}

	public long taxOn(long amountCents) {
		return Math.round(amountCents * this.percent / 100.0);
	}

	public int getPercent() {
		return this.percent;
	}

}
