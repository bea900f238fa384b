package io.sluice.functions.api;

import io.sluice.functions.window.Trigger;
import io.sluice.functions.window.WindowAssigner;

import java.util.Objects;

/**
 * Records grouped into windows (per key, or globally), ready to be aggregated.
 *
 * <pre>{@code
 * ResultStream<CountAndSum> gmv = orders.keyBy("category", Order::category)
 *         .window(TumblingWindows.of(Duration.ofMinutes(1)))
 *         .trigger(Trigger.atWatermark().withEarlyFiringsEvery(Duration.ofSeconds(5)))
 *         .aggregate(Aggregates.countAndSum(Order::amount));
 * }</pre>
 *
 * @param <T> record type
 */
public final class WindowedStream<T> {

    /** Default number of key buckets per window and split: keeps partial items a few KB for ~1,000 keys. */
    public static final int DEFAULT_KEY_BUCKETS = 16;
    /** Upper bound of key buckets: each bucket is one state item per window and split. */
    public static final int MAX_KEY_BUCKETS = 4_096;

    private final Pipeline<T> pipeline;
    private final String keyName;
    private final KeySelector<? super T, ?> selector;
    private final WindowAssigner assigner;
    private final Trigger trigger;
    private final int keyBuckets;

    WindowedStream(Pipeline<T> pipeline, String keyName, KeySelector<? super T, ?> selector,
                   WindowAssigner assigner) {
        this(pipeline, keyName, selector, assigner, Trigger.atWatermark(), DEFAULT_KEY_BUCKETS);
    }

    private WindowedStream(Pipeline<T> pipeline, String keyName, KeySelector<? super T, ?> selector,
                           WindowAssigner assigner, Trigger trigger, int keyBuckets) {
        if (pipeline.watermarks() == null) {
            throw new IllegalStateException("windows need event time: call withTimestamps(..) before windowing");
        }
        checkKeyBuckets(keyBuckets);
        this.pipeline = pipeline;
        this.keyName = keyName;
        this.selector = selector;
        this.assigner = Objects.requireNonNull(assigner, "assigner");
        this.trigger = Objects.requireNonNull(trigger, "trigger");
        this.keyBuckets = keyBuckets;
    }

    /** @throws IllegalArgumentException if {@code keyBuckets} is not in {@code [1, 4096]} */
    static void checkKeyBuckets(int keyBuckets) {
        if (keyBuckets < 1 || keyBuckets > MAX_KEY_BUCKETS) {
            throw new IllegalArgumentException("keyBuckets must be in [1, " + MAX_KEY_BUCKETS + "] but was "
                    + keyBuckets);
        }
    }

    /** A copy with another trigger; the default fires once, final, at the watermark. */
    public WindowedStream<T> trigger(Trigger newTrigger) {
        return new WindowedStream<>(pipeline, keyName, selector, assigner, newTrigger, keyBuckets);
    }

    /**
     * A copy that spreads each window's keys over {@code buckets} state items per split (default
     * {@value #DEFAULT_KEY_BUCKETS}). Each item a batch touches is one DynamoDB write, billed by the started KB of the
     * item (past 64 KB, by what the batch changed: {@link StateCost}). So:
     * <ul>
     *   <li>when a batch touches most of a window's keys (up to a few thousand small accumulators, as
     *       {@code gmv-by-category}'s 1,000 categories), fewer buckets mean fewer calls and fewer write units: one
     *       item of 8 KB costs 8 units and one call, 16 items of 500 bytes 16 units and 16 calls;</li>
     *   <li>when a batch touches a few of many keys, more buckets keep what a write rewrites small.</li>
     * </ul>
     * {@link PipelineDefinition#stateCost()} gives the item sizes before you deploy.
     *
     * <p>The count decides which item holds a key, and a retried batch finds what its failed attempt applied through
     * those items' fences. So each split (a shard, a batch task) keeps the count its first batch was written with,
     * recorded in its progress: a changed count applies to the splits started after the deploy, the new shards of a
     * reshard and the tasks of a new job, while the others finish with theirs. A retry after a redeploy therefore
     * writes into the items its failed attempt may have written, and a firing merges every item of a window whatever
     * their counts. A split whose progress was written before counts were recorded has none and takes the count of
     * its next batch: change the count of such a pipeline only while none of its batches is failing.
     *
     * @throws IllegalArgumentException if not in {@code [1, 4096]}
     */
    public WindowedStream<T> keyBuckets(int buckets) {
        return new WindowedStream<>(pipeline, keyName, selector, assigner, trigger, buckets);
    }

    /**
     * Aggregates each window with {@code function}. Accumulators are stored with the function's own codec if it is
     * an {@link EncodableAggregate} (all of {@link Aggregates} are), else with Jackson on the class of
     * {@code createAccumulator()}.
     */
    public <ACC, OUT> ResultStream<OUT> aggregate(AggregateFunction<? super T, ACC, OUT> function) {
        Objects.requireNonNull(function, "function");
        AccumulatorCodec<ACC> codec = function instanceof EncodableAggregate<?, ACC, ?> encodable
                ? encodable.accumulatorCodec()
                : JacksonAccumulatorCodec.forInstance(function.createAccumulator());
        return aggregate(function, codec);
    }

    /** Aggregates each window with {@code function}, storing accumulators with {@code codec}. */
    @SuppressWarnings("unchecked")
    public <ACC, OUT> ResultStream<OUT> aggregate(AggregateFunction<? super T, ACC, OUT> function,
                                                  AccumulatorCodec<ACC> codec) {
        return new ResultStream<>(new PipelineDefinition.Parts(pipeline.source(), pipeline.steps(),
                pipeline.watermarks(), keyName, (KeySelector<Object, ?>) selector, assigner, trigger, keyBuckets,
                (AggregateFunction<Object, Object, Object>) (AggregateFunction<?, ?, ?>) Objects.requireNonNull(function),
                (AccumulatorCodec<Object>) Objects.requireNonNull(codec, "codec")));
    }

    /** Reduces each window to one value with {@code function}, storing values of {@code type} with Jackson. */
    public ResultStream<T> reduce(ReduceFunction<T> function, Class<T> type) {
        return aggregate(Aggregates.reducing(function), JacksonAccumulatorCodec.reducing(type));
    }
}
