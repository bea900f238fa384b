package io.sluice.functions.api;

import java.util.function.Consumer;

/**
 * Transforms one record into zero or more records:
 * {@code basket.flatMap((b, out) -> b.lines().forEach(out))}.
 *
 * @param <T> input type
 * @param <R> output type
 */
@FunctionalInterface
public interface FlatMapFunction<T, R> {

    /** Passes every output record of {@code value} to {@code out}. */
    void flatMap(T value, Consumer<R> out);
}
