package io.sluice.functions.runtime;

import io.sluice.functions.api.AccumulatorCodec;
import io.sluice.functions.api.AggregateFunction;
import io.sluice.functions.api.KeySelector;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Source;
import io.sluice.functions.api.Step;
import io.sluice.functions.codec.CsvRecordDecoder;
import io.sluice.functions.codec.JsonLinesDecoder;
import io.sluice.functions.codec.ProjectedCsvDecoder;
import io.sluice.functions.codec.ProjectedJsonDecoder;
import io.sluice.functions.codec.RecordDecoder;
import io.sluice.functions.window.Trigger;
import io.sluice.functions.window.WatermarkStrategy;

import java.util.List;

/**
 * A {@link PipelineDefinition} prepared for execution: decoder, fused steps, key, windowing and codec. Immutable and
 * shared by all splits of a run; each {@link SplitProcessor} builds its own chain from it.
 */
public final class CompiledPipeline {

    /** A fused chain stage: receives a record and its event time. */
    interface Downstream {
        void accept(Object value, long timestamp);
    }

    /** Receives the timestamp of every record stamped by the pipeline's timestamp step. */
    interface TimestampObserver {
        void observe(long timestamp);
    }

    private final PipelineDefinition<?> definition;
    private final RecordDecoder<?> decoder;
    private final Windowing windowing;

    private CompiledPipeline(PipelineDefinition<?> definition) {
        this.definition = definition;
        this.decoder = decoderOf(definition.source());
        this.windowing = Windowing.of(definition.windows(), definition.aggregate());
    }

    /** The source's decoder: a projected one when the pipeline reads only some fields ({@link Source#readingOnly}). */
    private static RecordDecoder<?> decoderOf(Source<?> source) {
        boolean projected = !source.projection().isEmpty();
        return switch (source.format()) {
            case JSON_LINES -> projected ? ProjectedJsonDecoder.of(source.type(), source.projection())
                    : JsonLinesDecoder.of(source.type());
            case CSV -> projected ? ProjectedCsvDecoder.of(source.type(), source.columns(), source.projection())
                    : CsvRecordDecoder.of(source.type(), source.columns());
        };
    }

    /** Prepares {@code definition} for execution. */
    public static CompiledPipeline compile(PipelineDefinition<?> definition) {
        return new CompiledPipeline(definition);
    }

    public String name() {
        return definition.name();
    }

    public PipelineDefinition<?> definition() {
        return definition;
    }

    public WatermarkStrategy watermarks() {
        return definition.watermarks();
    }

    public Trigger trigger() {
        return definition.trigger();
    }

    /** Records longer than this are rejected. */
    public int maxRecordBytes() {
        return definition.source().maxRecordBytes();
    }

    RecordDecoder<?> decoder() {
        return decoder;
    }

    Windowing windowing() {
        return windowing;
    }

    AggregateFunction<Object, Object, Object> aggregate() {
        return definition.aggregate();
    }

    AccumulatorCodec<Object> codec() {
        return definition.accumulatorCodec();
    }

    boolean keyed() {
        return definition.keySelector().isPresent();
    }

    @SuppressWarnings("unchecked")
    KeySelector<Object, Object> keySelector() {
        return (KeySelector<Object, Object>) definition.keySelector().orElse(null);
    }

    /**
     * The key bucket of {@code key} among {@code keyBuckets}: {@code String.hashCode} is specified, so buckets are
     * stable across JVMs. The count is the split's ({@link io.sluice.state.SplitState#keyBucketsOr}), not necessarily
     * the pipeline's.
     */
    static int bucketOf(String key, int keyBuckets) {
        return Math.floorMod(key.hashCode(), keyBuckets);
    }

    /**
     * The event time the pipeline stamps on a raw record (the first, if a flatMap makes several), or empty when the
     * record does not decode, a filter drops it before its timestamp step, or the step throws. Used to file the raw
     * input by event-time day (the archive), never to process it.
     */
    public java.util.OptionalLong eventTime(byte[] bytes, int offset, int length) {
        long[] first = {Long.MIN_VALUE};
        try {
            Object value = decoder.decode(bytes, offset, length);
            chain((v, ts) -> { }, ts -> {
                if (first[0] == Long.MIN_VALUE) {
                    first[0] = ts;
                }
            }).accept(value, Long.MIN_VALUE);
        } catch (Exception notStamped) {   // malformed, or a user function threw: the record has no event time here
            return java.util.OptionalLong.empty();
        }
        return first[0] == Long.MIN_VALUE ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(first[0]);
    }

    /** Fuses the steps, in order, in front of {@code terminal}. */
    Downstream chain(Downstream terminal, TimestampObserver observer) {
        Downstream next = terminal;
        List<Step> steps = definition.steps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            next = stage(steps.get(i), next, observer);
        }
        return next;
    }

    private static Downstream stage(Step step, Downstream down, TimestampObserver observer) {
        if (step instanceof Step.Map m) {
            return (value, ts) -> down.accept(m.function().map(value), ts);
        }
        if (step instanceof Step.Filter f) {
            return (value, ts) -> {
                if (f.function().test(value)) {
                    down.accept(value, ts);
                }
            };
        }
        if (step instanceof Step.FlatMap fm) {
            return (value, ts) -> fm.function().flatMap(value, out -> down.accept(out, ts));
        }
        Step.Timestamps t = (Step.Timestamps) step;
        return (value, ts) -> {
            long stamped = t.assigner().timestamp(value);
            observer.observe(stamped);
            down.accept(value, stamped);
        };
    }
}
