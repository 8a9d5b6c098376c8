/**
 * Request/reply services on the NATS service protocol: {@code @NatsService} and {@code @NatsEndpoint}.
 */
package io.github.natsspring.micro;
