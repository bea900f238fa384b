package io.sluice.functions.api;

/**
 * An {@link AggregateFunction} that brings its own compact {@link AccumulatorCodec}, used instead of Jackson.
 *
 * @param <IN>  record type
 * @param <ACC> accumulator type
 * @param <OUT> result type
 */
public interface EncodableAggregate<IN, ACC, OUT> extends AggregateFunction<IN, ACC, OUT> {

    /** The codec that stores this function's accumulators. */
    AccumulatorCodec<ACC> accumulatorCodec();
}
