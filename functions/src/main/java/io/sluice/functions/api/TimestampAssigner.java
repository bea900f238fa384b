package io.sluice.functions.api;

/**
 * Extracts a record's event time in epoch milliseconds: {@code Order::ts}.
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface TimestampAssigner<T> {

    /** Event time of {@code value}, epoch milliseconds. */
    long timestamp(T value);
}
