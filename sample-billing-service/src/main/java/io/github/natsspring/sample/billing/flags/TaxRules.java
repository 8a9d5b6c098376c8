package io.github.natsspring.sample.billing.flags;

import java.util.Locale;

import org.springframework.stereotype.Component;

import io.github.natsspring.kv.watch.KvView;
import io.github.natsspring.sample.billing.invoice.TaxRule;

/**
 * Which tax rule applies now: the {@code tax.rule} key of the {@code BILLING_FLAGS} bucket, read from an
 * always-current view, so a flag change takes effect on the next invoice without a restart.
 */
@Component
public class TaxRules {

	/** The flag's key. */
	public static final String KEY = "tax.rule";

	private final KvView<String> flags;

	public TaxRules(KvView<String> billingFlags) {
		this.flags = billingFlags;
	}

	/**
	 * The rule in force.
	 * @return the rule; {@link TaxRule#STANDARD} when the flag is unset or unknown
	 */
	public TaxRule current() {
		String value = this.flags.getOrDefault(KEY, TaxRule.STANDARD.name());
		try {
			return TaxRule.valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return TaxRule.STANDARD;
		}
	}

}
