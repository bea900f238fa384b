package io.sluice.functions.api;

/**
 * Combines two values of the same type into one, as a special case of {@link AggregateFunction} whose
 * accumulator is the value itself. Must be associative and commutative.
 *
 * <pre>{@code
 * ReduceFunction<Order> largest = (a, b) -> a.amount() >= b.amount() ? a : b;
 * }</pre>
 *
 * @param <T> the type of the values reduced
 */
@FunctionalInterface
public interface ReduceFunction<T> {

    /** The combination of {@code a} and {@code b}. */
    T reduce(T a, T b);
}
