package io.sluice.functions.api;

/**
 * One record-at-a-time step of a pipeline definition, in the order the user wrote them. The runtime compiles the
 * steps into one fused operator chain; users never implement this.
 */
public sealed interface Step {

    /** {@link Pipeline#map}. */
    record Map(MapFunction<Object, Object> function) implements Step {
    }

    /** {@link Pipeline#filter}. */
    record Filter(FilterFunction<Object> function) implements Step {
    }

    /** {@link Pipeline#flatMap}. */
    record FlatMap(FlatMapFunction<Object, Object> function) implements Step {
    }

    /** {@link Pipeline#withTimestamps}: records are stamped here and keep their timestamp through later steps. */
    record Timestamps(TimestampAssigner<Object> assigner) implements Step {
    }
}
