package io.sluice.functions.api;

/**
 * Keeps the records for which it returns true: {@code pipeline.filter(order -> order.amount() > 0)}.
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface FilterFunction<T> {

    /** Whether {@code value} continues down the pipeline. */
    boolean test(T value);
}
