package io.github.natsspring.listener;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.validation.BindingResult;

import io.github.natsspring.core.NatsServiceException;
import io.github.natsspring.core.ServiceErrorCode;

/**
 * The error a failed request is answered with: a code and a description that is safe to show the caller.
 * Conversion and validation failures are the caller's fault (400, with what was wrong); a
 * {@link NatsServiceException} or an exception type marked {@link ServiceErrorCode} brings its own code;
 * anything else is an internal error (500) whose details stay in the log.
 *
 * @param code the error code
 * @param description the description for the caller
 */
public record ServiceError(int code, String description) {

	/** Description of errors whose details must not leave the process. */
	public static final String INTERNAL_ERROR = "internal error";

	/**
	 * Classifies a failure.
	 * @param failure what the handler or the argument resolution threw
	 * @return the error to reply with
	 */
	public static ServiceError of(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof NatsServiceException serviceException) {
			return new ServiceError(serviceException.getCode(), serviceException.getDescription());
		}
		ServiceErrorCode marked = AnnotatedElementUtils.findMergedAnnotation(cause.getClass(), ServiceErrorCode.class);
		if (marked != null) {
			String description = (marked.exposeMessage() && cause.getMessage() != null) ? cause.getMessage()
					: defaultDescription(marked.value());
			return new ServiceError(marked.value(), description);
		}
		if (cause instanceof MethodArgumentNotValidException invalid) {
			return new ServiceError(400, "invalid request: " + describe(invalid.getBindingResult()));
		}
		if (cause instanceof MessageConversionException || cause instanceof MethodArgumentResolutionException) {
			return new ServiceError(400, "invalid request: " + firstLine(cause.getMessage()));
		}
		return new ServiceError(500, INTERNAL_ERROR);
	}

	/**
	 * Classifies a failed handling and logs it: the caller's errors (below 500) at WARN with code and description,
	 * ours at ERROR with code, description and the stack trace.
	 * @param failure what the handler, the argument resolution or the reply threw
	 * @param ours whether the failure is ours whatever was thrown (the reply could not be written or sent): 500
	 * @param logger the container's logger
	 * @param what what failed, for example {@code "@NatsListener orders failed on message 7 (subject 'orders')"}
	 * @return the error to answer with
	 */
	public static ServiceError classifyAndLog(Throwable failure, boolean ours, Log logger, String what) {
		Throwable cause = unwrap(failure);
		ServiceError error = ours ? new ServiceError(500, INTERNAL_ERROR) : of(cause);
		if (error.code() < 500) {
			logger.warn(what + ": " + error.code() + " " + error.description());
		}
		else {
			logger.error(what + ": " + error.code() + " " + error.description(), cause);
		}
		return error;
	}

	/**
	 * Whether retrying cannot help: conversion and validation failures, and client errors (4xx) signalled with a
	 * {@link NatsServiceException} or an exception type marked {@link ServiceErrorCode}.
	 * @param failure the failure
	 * @return {@code true} when the same message will fail the same way again
	 */
	public static boolean isPermanent(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof MessageConversionException || cause instanceof MethodArgumentResolutionException) {
			return true;
		}
		if (cause instanceof NatsServiceException serviceException) {
			return isClientError(serviceException.getCode());
		}
		ServiceErrorCode marked = AnnotatedElementUtils.findMergedAnnotation(cause.getClass(), ServiceErrorCode.class);
		return marked != null && isClientError(marked.value());
	}

	private static boolean isClientError(int code) {
		return code >= 400 && code < 500;
	}

	/**
	 * Strips the wrappers that futures and reflection put around a handler's exception.
	 * @param failure the failure
	 * @return the innermost meaningful exception
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException
				|| cause instanceof java.lang.reflect.InvocationTargetException
				|| cause instanceof java.lang.reflect.UndeclaredThrowableException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static String describe(BindingResult result) {
		if (result == null) {
			return "validation failed";
		}
		String errors = result.getFieldErrors()
			.stream()
			.map((error) -> error.getField() + " " + error.getDefaultMessage())
			.collect(Collectors.joining(", "));
		String global = result.getGlobalErrors()
			.stream()
			.map((error) -> error.getDefaultMessage())
			.collect(Collectors.joining(", "));
		String all = errors.isEmpty() ? global : (global.isEmpty() ? errors : errors + ", " + global);
		return all.isEmpty() ? "validation failed" : all;
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "payload could not be read";
		}
		int newline = message.indexOf('\n');
		String line = (newline >= 0) ? message.substring(0, newline) : message;
		return (line.length() > 300) ? line.substring(0, 300) + "..." : line;
	}

	private static String defaultDescription(int code) {
		return switch (code) {
			case 400 -> "bad request";
			case 401 -> "unauthorized";
			case 403 -> "forbidden";
			case 404 -> "not found";
			case 409 -> "conflict";
			case 422 -> "unprocessable request";
			case 429 -> "too many requests";
			case 503 -> "service unavailable";
			default -> (code >= 500) ? INTERNAL_ERROR : "request failed";
		};
	}

}
