package io.github.natsspring.sample.billing.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import io.github.natsspring.core.NatsNoRespondersException;
import io.github.natsspring.core.NatsNotConnectedException;
import io.github.natsspring.core.NatsRequestTimeoutException;
import io.github.natsspring.core.NatsServiceErrorException;
import io.github.natsspring.objectstore.ObjectStoreObjectNotFoundException;

/**
 * Turns NATS outcomes into HTTP answers: a service error keeps its code and description; an unreachable service is
 * 503.
 */
@RestControllerAdvice
class NatsErrorHandler {

	@ExceptionHandler
	ProblemDetail serviceError(NatsServiceErrorException ex) {
		HttpStatus status = HttpStatus.resolve(ex.getCode());
		return ProblemDetail.forStatusAndDetail((status != null) ? status : HttpStatus.INTERNAL_SERVER_ERROR,
				ex.getDescription());
	}

	@ExceptionHandler({ NatsNoRespondersException.class, NatsRequestTimeoutException.class,
			NatsNotConnectedException.class })
	ProblemDetail unavailable(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail missingDocument(ObjectStoreObjectNotFoundException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no document " + ex.getObjectName());
	}

}
