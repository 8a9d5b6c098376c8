package io.github.natsspring.client;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import io.nats.client.Message;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * What a client method returns: the type to convert the reply to, whether it comes in a future, and whether it is
 * ignored ({@code void}, {@code CompletableFuture<Void>}).
 *
 * @param type the type the reply is converted to ({@code Message} when the reply is ignored: nothing to convert)
 * @param valueType the declared value type, {@code void} / {@code Void} when ignored
 * @param async whether the method returns a {@code CompletableFuture} or {@code CompletionStage}
 * @param discarded whether the reply is ignored
 */
record ReplyType(Type type, Class<?> valueType, boolean async, boolean discarded) {

	/**
	 * Reads the return type of a method.
	 * @param method the method
	 * @param clientType the client interface (resolves type variables of a generic parent interface)
	 * @return the reply type
	 * @throws IllegalStateException if the return type cannot be served
	 */
	static ReplyType of(Method method, Class<?> clientType) {
		ResolvableType returnType = ResolvableType.forMethodReturnType(method, clientType);
		Class<?> raw = returnType.toClass();
		boolean async = raw == CompletableFuture.class || raw == CompletionStage.class;
		if (!async && Future.class.isAssignableFrom(raw)) {
			throw new IllegalStateException("returns " + raw.getSimpleName()
					+ "; return CompletableFuture<T> or CompletionStage<T> to not block");
		}
		ResolvableType value = async ? returnType.getGeneric(0) : returnType;
		if (value == ResolvableType.NONE || value.resolve() == null) {
			throw new IllegalStateException("returns " + raw.getSimpleName() + " without a reply type; declare it, as in "
					+ raw.getSimpleName() + "<Invoice>, or " + raw.getSimpleName() + "<Void> to ignore the reply");
		}
		Class<?> valueType = value.toClass();
		if (valueType == void.class || valueType == Void.class) {
			return new ReplyType(Message.class, valueType, async, true);
		}
		return new ReplyType(concreteType(value), valueType, async, false);
	}

	private static Type concreteType(ResolvableType value) {
		if (!value.hasGenerics()) {
			return ClassUtils.resolvePrimitiveIfNecessary(value.toClass());
		}
		if (hasTypeVariable(value.getType())) {
			throw new IllegalStateException("returns " + value + ", whose type variables cannot be resolved; "
					+ "declare a concrete reply type");
		}
		return value.getType();
	}

	private static boolean hasTypeVariable(Type type) {
		if (type instanceof TypeVariable<?>) {
			return true;
		}
		if (type instanceof ParameterizedType parameterized) {
			return Arrays.stream(parameterized.getActualTypeArguments()).anyMatch(ReplyType::hasTypeVariable);
		}
		if (type instanceof GenericArrayType array) {
			return hasTypeVariable(array.getGenericComponentType());
		}
		if (type instanceof WildcardType wildcard) {
			return Arrays.stream(wildcard.getUpperBounds()).anyMatch(ReplyType::hasTypeVariable)
					|| Arrays.stream(wildcard.getLowerBounds()).anyMatch(ReplyType::hasTypeVariable);
		}
		return false;
	}

	/**
	 * The same outcome, without the value.
	 * @param future a future
	 * @return a future that completes with {@code null} when the given one succeeds, and with its exception when
	 * it fails
	 */
	static CompletableFuture<Object> withoutValue(CompletableFuture<?> future) {
		CompletableFuture<Object> result = new CompletableFuture<>();
		future.whenComplete((value, failure) -> {
			if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(null);
			}
		});
		return result;
	}

}
