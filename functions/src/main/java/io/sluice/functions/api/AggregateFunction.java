package io.sluice.functions.api;

/**
 * Incremental aggregation of the records of one key in one window.
 *
 * <p>Sluice combines records in memory per batch, stores one partial accumulator per source split, and merges the
 * partials of all splits when the window fires, so {@link #merge} is <b>mandatory</b> and must be associative and
 * commutative: results must not depend on how records were split into shards, batches or tasks.
 *
 * <p>Accumulators are written to the state store between invocations: they must be encodable by an
 * {@link AccumulatorCodec}. {@link WindowedStream#aggregate(AggregateFunction)} uses Jackson on the class that
 * {@link #createAccumulator()} returns (a record or a bean); pass a codec to
 * {@link WindowedStream#aggregate(AggregateFunction, AccumulatorCodec)} for anything else or for a compact form.
 *
 * <p>An average of order amounts, in integer cents:
 * <pre>{@code
 * public final class AverageAmount implements AggregateFunction<Order, long[], Double> {
 *     public long[] createAccumulator() { return new long[2]; }                  // {count, sum}
 *     public long[] add(Order order, long[] acc) {
 *         acc[0]++;
 *         acc[1] = Math.addExact(acc[1], order.amount());                         // overflow is an error
 *         return acc;
 *     }
 *     public long[] merge(long[] a, long[] b) {
 *         return new long[] {a[0] + b[0], Math.addExact(a[1], b[1])};
 *     }
 *     public Double result(long[] acc) { return acc[0] == 0 ? 0.0 : (double) acc[1] / acc[0]; }
 * }
 * }</pre>
 *
 * @param <IN>  the type of the records aggregated
 * @param <ACC> the accumulator: intermediate state, stored between invocations; {@link #add} and {@link #merge}
 *              may mutate and return their first accumulator
 * @param <OUT> the result of the aggregation
 */
public interface AggregateFunction<IN, ACC, OUT> {

    /** A new, empty accumulator. */
    ACC createAccumulator();

    /** Adds one record to {@code accumulator} and returns the accumulator (the same instance or a new one). */
    ACC add(IN value, ACC accumulator);

    /**
     * Merges two accumulators into one, as if all their records had been added to one. Associative and
     * commutative; may return {@code a} mutated.
     */
    ACC merge(ACC a, ACC b);

    /** The result of the accumulated records. */
    OUT result(ACC accumulator);
}
