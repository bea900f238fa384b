package io.sluice.functions.api;

import io.sluice.functions.window.Trigger;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.functions.window.WindowAssigner;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A complete, named pipeline: source, steps, windows, aggregate and sink. The same definition runs in stream and
 * batch mode; drivers select it by name from a {@link PipelineRegistry}. Immutable.
 *
 * <pre>{@code
 * PipelineDefinition<CountAndSum> def = Pipeline.from(Source.jsonLines(Order.class))
 *         .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
 *         .windowAll(TumblingWindows.of(Duration.ofSeconds(10)))
 *         .aggregate(Aggregates.countAndSum(Order::amount))
 *         .to(Sink.results("gmv-total"));
 * def.name();   // "gmv-total"
 * }</pre>
 *
 * @param <OUT> result type
 */
public final class PipelineDefinition<OUT> {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** What the builder collected; the runtime reads it through the accessors below. */
    record Parts(Source<?> source, List<Step> steps, WatermarkStrategy watermarks, String keyName,
                 KeySelector<Object, ?> keySelector, WindowAssigner windows, Trigger trigger, int keyBuckets,
                 AggregateFunction<Object, Object, Object> aggregate, AccumulatorCodec<Object> codec) {
    }

    private final String name;
    private final Parts parts;
    private final Sink sink;

    PipelineDefinition(String name, Parts parts, Sink sink) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("pipeline name must match " + NAME + " but was [" + name + "]");
        }
        this.name = name;
        this.parts = Objects.requireNonNull(parts, "parts");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** A copy with another name (state and results are kept per name). */
    public PipelineDefinition<OUT> withName(String newName) {
        return new PipelineDefinition<>(newName, parts, sink);
    }

    public String name() {
        return name;
    }

    /**
     * A copy whose watermarks follow {@code strategy}; steps, windows and results unchanged. A deployment sets its
     * own idleness timeout this way ({@code SLUICE_IDLENESS_SECONDS}): idleness is measured in processing time, a
     * property of where the pipeline runs, not of its logic.
     */
    public PipelineDefinition<OUT> withWatermarks(WatermarkStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        return new PipelineDefinition<>(name, new Parts(parts.source(), parts.steps(), strategy, parts.keyName(),
                parts.keySelector(), parts.windows(), parts.trigger(), parts.keyBuckets(), parts.aggregate(),
                parts.codec()), sink);
    }

    /**
     * A copy that spreads each window's keys over {@code buckets} state items per split, as
     * {@link WindowedStream#keyBuckets} (which says how a change applies to a running pipeline); everything else
     * unchanged.
     *
     * @throws IllegalArgumentException if not in {@code [1, 4096]}
     */
    public PipelineDefinition<OUT> withKeyBuckets(int buckets) {
        WindowedStream.checkKeyBuckets(buckets);
        return new PipelineDefinition<>(name, new Parts(parts.source(), parts.steps(), parts.watermarks(),
                parts.keyName(), parts.keySelector(), parts.windows(), parts.trigger(), buckets, parts.aggregate(),
                parts.codec()), sink);
    }

    /**
     * This pipeline as run by one bounded job: named {@code <name>-<job>}, so the job's state (its task splits,
     * partials and fired windows) and its results are kept apart from the live pipeline that shares the tables and
     * from every other job. Without it a nightly recomputation would add its partials to the live windows and hold
     * the live watermark back with its tasks. Deterministic: the same job id gives the same name, so a resubmitted
     * job finds its own state. Job ids are lower-cased, other characters than letters, digits and dashes become
     * dashes, and long ids are shortened with a hash to keep the name within 63 characters.
     *
     * <pre>{@code
     * GmvPipelines.byCategory().forJob("Nightly 2020-11-11").name();   // "gmv-by-category-nightly-2020-11-11"
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code jobId} is blank
     */
    public PipelineDefinition<OUT> forJob(String jobId) {
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("job id must not be blank");
        }
        String slug = jobId.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String full = name + "-" + slug;
        if (full.length() > 63) {
            String hash = Integer.toHexString(jobId.hashCode() & 0x7fffffff);
            full = full.substring(0, 63 - hash.length() - 1) + "-" + hash;
        }
        return withName(full);
    }

    public Source<?> source() {
        return parts.source();
    }

    /** Record-at-a-time steps in the order written. */
    public List<Step> steps() {
        return parts.steps();
    }

    public WatermarkStrategy watermarks() {
        return parts.watermarks();
    }

    /** The key column name, or empty for a global (non-keyed) window. */
    public Optional<String> keyName() {
        return Optional.ofNullable(parts.keyName());
    }

    /** The key selector, or empty for a global window. */
    public Optional<KeySelector<Object, ?>> keySelector() {
        return Optional.ofNullable(parts.keySelector());
    }

    public WindowAssigner windows() {
        return parts.windows();
    }

    public Trigger trigger() {
        return parts.trigger();
    }

    public int keyBuckets() {
        return parts.keyBuckets();
    }

    /** The aggregate function, typed for the runtime. */
    public AggregateFunction<Object, Object, Object> aggregate() {
        return parts.aggregate();
    }

    public AccumulatorCodec<Object> accumulatorCodec() {
        return parts.codec();
    }

    public Sink sink() {
        return sink;
    }

    /**
     * What this pipeline's window state may cost, known before deploying: the key buckets, the largest accumulator
     * of one key if the aggregate bounds it, and how many windows one record changes.
     *
     * <pre>{@code
     * GmvPipelines.byCategory().stateCost().describe(1_000);   // "... at most 37.1 KB per bucket item ..."
     * }</pre>
     */
    public StateCost stateCost() {
        java.util.OptionalInt max = parts.aggregate() instanceof EncodableAggregate<?, ?, ?> e
                ? e.maxAccumulatorBytes() : java.util.OptionalInt.empty();
        int windowsPerRecord = parts.windows() instanceof io.sluice.functions.window.SlidingWindows s
                ? (int) Math.min(Integer.MAX_VALUE, (s.size().toMillis() + s.slide().toMillis() - 1) / s.slide().toMillis())
                : 1;
        return new StateCost(parts.keyBuckets(), max, windowsPerRecord);
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ": " + source() + ", " + steps().size() + " steps, " + watermarks() + ", "
                + (keyName().map(k -> "keyBy " + k).orElse("global")) + ", " + windows() + ", " + trigger() + ", "
                + sink + "]";
    }
}
