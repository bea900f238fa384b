package io.sluice.functions.api;

/**
 * Transforms one record into one record: {@code pipeline.map(order -> order.withAmount(order.amount() * 100))}.
 *
 * @param <T> input type
 * @param <R> output type
 */
@FunctionalInterface
public interface MapFunction<T, R> {

    /** The transformed record; never null. */
    R map(T value);
}
