package io.sluice.functions.api;

/**
 * Aggregated window results, to be sent to a {@link Sink}.
 *
 * <pre>{@code
 * PipelineDefinition<CountAndSum> def = gmv.to(Sink.results("gmv-by-category").withValueColumns("count", "sum_cents"));
 * }</pre>
 *
 * @param <OUT> the result type of the aggregation
 */
public final class ResultStream<OUT> {

    private final PipelineDefinition.Parts parts;

    ResultStream(PipelineDefinition.Parts parts) {
        this.parts = parts;
    }

    /** The complete pipeline, named after the sink. */
    public PipelineDefinition<OUT> to(Sink sink) {
        return new PipelineDefinition<>(sink.name(), parts, sink);
    }
}
