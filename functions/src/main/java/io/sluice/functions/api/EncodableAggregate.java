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

    /**
     * The largest encoded accumulator of one key, if the function bounds it whatever the data; empty (the default)
     * if it grows with the data. Used for {@link PipelineDefinition#stateCost()}.
     */
    default java.util.OptionalInt maxAccumulatorBytes() {
        return java.util.OptionalInt.empty();
    }
}
