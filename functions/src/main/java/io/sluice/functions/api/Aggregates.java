package io.sluice.functions.api;


import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Built-in aggregate functions, with compact accumulator codecs. Integer sums are exact: an overflow is an error,
 * never a wrap-around.
 *
 * <pre>{@code
 * .aggregate(Aggregates.countAndSum(Order::amount))   // CountAndSum(count, sum)
 * .aggregate(Aggregates.count())                       // Long
 * .aggregate(Aggregates.sum(Order::amount))            // Long
 * }</pre>
 */
public final class Aggregates {

    private Aggregates() {
    }

    /** Count of records and exact sum of {@code field}; results are {@link CountAndSum}. */
    public static <T> EncodableAggregate<T, CountSumAccumulator, CountAndSum> countAndSum(ToLongFunction<? super T> field) {
        Objects.requireNonNull(field, "field");
        return new EncodableAggregate<>() {
            @Override
            public CountSumAccumulator createAccumulator() {
                return new CountSumAccumulator();
            }

            @Override
            public CountSumAccumulator add(T value, CountSumAccumulator acc) {
                return acc.add(field.applyAsLong(value));
            }

            @Override
            public CountSumAccumulator merge(CountSumAccumulator a, CountSumAccumulator b) {
                return a.merge(b);
            }

            @Override
            public CountAndSum result(CountSumAccumulator acc) {
                return new CountAndSum(acc.count(), acc.sum());
            }

            @Override
            public AccumulatorCodec<CountSumAccumulator> accumulatorCodec() {
                return VarLongCodec.COUNT_SUM;
            }
        };
    }

    /** Number of records. */
    public static <T> EncodableAggregate<T, CountSumAccumulator, Long> count() {
        return projecting(countAndSum(v -> 0L), CountAndSum::count);
    }

    /** Exact sum of {@code field}. */
    public static <T> EncodableAggregate<T, CountSumAccumulator, Long> sum(ToLongFunction<? super T> field) {
        return projecting(countAndSum(field), CountAndSum::sum);
    }

    /**
     * {@code function} as an aggregate whose accumulator is the reduced value itself; {@code null} stands for
     * "no value yet".
     */
    public static <T> AggregateFunction<T, T, T> reducing(ReduceFunction<T> function) {
        Objects.requireNonNull(function, "function");
        return new AggregateFunction<>() {
            @Override
            public T createAccumulator() {
                return null;
            }

            @Override
            public T add(T value, T acc) {
                return acc == null ? value : function.reduce(acc, value);
            }

            @Override
            public T merge(T a, T b) {
                return a == null ? b : b == null ? a : function.reduce(a, b);
            }

            @Override
            public T result(T acc) {
                return acc;
            }
        };
    }

    private static <T, R> EncodableAggregate<T, CountSumAccumulator, R> projecting(
            EncodableAggregate<T, CountSumAccumulator, CountAndSum> base,
            java.util.function.Function<CountAndSum, R> projection) {
        return new EncodableAggregate<>() {
            @Override
            public CountSumAccumulator createAccumulator() {
                return base.createAccumulator();
            }

            @Override
            public CountSumAccumulator add(T value, CountSumAccumulator acc) {
                return base.add(value, acc);
            }

            @Override
            public CountSumAccumulator merge(CountSumAccumulator a, CountSumAccumulator b) {
                return base.merge(a, b);
            }

            @Override
            public R result(CountSumAccumulator acc) {
                return projection.apply(base.result(acc));
            }

            @Override
            public AccumulatorCodec<CountSumAccumulator> accumulatorCodec() {
                return base.accumulatorCodec();
            }
        };
    }
}
