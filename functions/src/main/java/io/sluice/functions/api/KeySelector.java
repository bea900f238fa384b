package io.sluice.functions.api;

/**
 * Extracts the grouping key of a record: {@code Order::category}.
 *
 * <p>Keys are stored and compared by their string form ({@link String#valueOf(Object)}), which must therefore be
 * stable and distinct per key: strings, numbers and enums qualify.
 *
 * @param <T> record type
 * @param <K> key type
 */
@FunctionalInterface
public interface KeySelector<T, K> {

    /** The key of {@code value}; never null. */
    K key(T value);
}
