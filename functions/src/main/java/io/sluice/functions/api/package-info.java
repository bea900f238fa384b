/**
 * The pipeline API: what users import to define a pipeline. Nothing here depends on AWS or on the runtime.
 *
 * <pre>{@code
 * PipelineDefinition<CountAndSum> gmv = Pipeline.from(Source.jsonLines(Order.class))
 *         .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
 *         .keyBy("category", Order::category)
 *         .window(TumblingWindows.of(Duration.ofMinutes(1)))
 *         .aggregate(Aggregates.countAndSum(Order::amount))
 *         .to(Sink.results("gmv-by-category").withValueColumns("count", "sum_cents"));
 * }</pre>
 *
 * <p>Each step returns a narrower type ({@link io.sluice.functions.api.Pipeline} → {@link
 * io.sluice.functions.api.KeyedStream} → {@link io.sluice.functions.api.WindowedStream} → {@link
 * io.sluice.functions.api.ResultStream} → {@link io.sluice.functions.api.PipelineDefinition}), so steps in a wrong
 * order do not compile; what can only be checked on values is checked when the pipeline is defined (windowing
 * without {@code withTimestamps}: "windows need event time: call withTimestamps(..) before windowing"; key buckets
 * in {@code [1, 4096]}; result columns, learned from the result type). The same definition runs in stream mode (Kinesis shards) and batch mode (S3 objects):
 * results never depend on how records were split, because every partial is combined with
 * {@link io.sluice.functions.api.AggregateFunction#merge}.
 *
 * <p>State has no ceiling but has a cost: {@link io.sluice.functions.api.PipelineDefinition#stateCost()} states it
 * before deploying ({@link io.sluice.functions.api.StateCost} gives the rules: one item per window, split and key
 * bucket; a write unit per KB written; items over 400 KB written as chunks, billed by the pages a batch changed).
 * Results are {@link io.sluice.functions.api.WindowResult}s typed as the pipeline's output.
 */
package io.sluice.functions.api;
