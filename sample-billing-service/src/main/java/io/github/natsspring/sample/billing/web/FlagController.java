package io.github.natsspring.sample.billing.web;

import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.github.natsspring.kv.KeyValueTemplate;
import io.github.natsspring.kv.watch.KvView;
import io.github.natsspring.sample.billing.flags.TaxRules;

/**
 * Reads and switches the tax-rule flag. Writing goes to the {@code BILLING_FLAGS} bucket like any other writer
 * ({@code nats kv put BILLING_FLAGS tax.rule reduced} does the same); every instance's view follows.
 *
 * <pre>
 * curl -X PUT localhost:8080/flags/tax-rule/reduced
 * </pre>
 */
@RestController
class FlagController {

	private final KeyValueTemplate flags;

	private final KvView<String> view;

	private final TaxRules taxRules;

	FlagController(@Qualifier("BILLING_FLAGS") KeyValueTemplate flags, KvView<String> billingFlags,
			TaxRules taxRules) {
		this.flags = flags;
		this.view = billingFlags;
		this.taxRules = taxRules;
	}

	@GetMapping("/flags")
	Map<String, Object> flags() {
		return Map.of("flags", this.view.asMap(), "taxRuleInForce", this.taxRules.current());
	}

	@PutMapping("/flags/tax-rule/{rule}")
	Map<String, Object> setTaxRule(@PathVariable String rule) {
		long revision = this.flags.put(TaxRules.KEY, rule);
		return Map.of("key", TaxRules.KEY, "value", rule, "revision", revision);
	}

}
