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
 * order do not compile. The same definition runs in stream mode (Kinesis shards) and batch mode (S3 objects):
 * results never depend on how records were split, because every partial is combined with
 * {@link io.sluice.functions.api.AggregateFunction#merge}.
 */
package io.sluice.functions.api;
