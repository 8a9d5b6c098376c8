package io.github.natsspring.sample.billing;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import io.github.natsspring.client.ImportNatsClients;
import io.github.natsspring.sample.billing.client.BillingClient;

/**
 * The billing service: invoices as commands, events and queries over NATS.
 */
@SpringBootApplication(proxyBeanMethods = false)
@ImportNatsClients(BillingClient.class)
public class BillingApplication {

	public static void main(String[] args) {
		SpringApplication.run(BillingApplication.class, args);
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
