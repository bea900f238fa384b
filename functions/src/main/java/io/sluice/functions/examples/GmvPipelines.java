package io.sluice.functions.examples;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.PipelineRegistry;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;

import java.time.Duration;
import java.util.List;

/**
 * The Double 11 GMV pipelines. Orders may arrive up to 5 s out of order; windows fire when the watermark passes
 * their end. CSV results:
 * <ul>
 *   <li>{@code gmv-by-category}: {@code window_start_ms,category,count,sum_cents}, 60 s windows;</li>
 *   <li>{@code gmv-total}: {@code window_start_ms,count,sum_cents}, 10 s windows.</li>
 * </ul>
 */
public final class GmvPipelines implements PipelineRegistry.Provider {

    /** Orders arrive at most this far out of order. */
    public static final Duration MAX_DISORDER = Duration.ofSeconds(5);

    /**
     * Per category, per minute: count of orders and GMV in cents. One key bucket: a batch writes a window's 1,000
     * categories of its shard as one item, with one call; over 16 buckets a batch of a few hundred orders touches all
     * 16, a call and at least a write unit each (at the night's batches of 300, one bucket costs 0.42x the write units
     * and 0.57x the handler's CPU of 16: BENCHMARKS.md, "One key bucket").
     */
    public static PipelineDefinition<CountAndSum> byCategory() {
        return byCategory(1);
    }

    /**
     * {@link #byCategory()} with its window's keys spread over {@code keyBuckets} items per shard: the same results
     * (a firing merges every item of a window), more items a batch writes. Tests of what happens between a batch's
     * item writes use 16.
     */
    public static PipelineDefinition<CountAndSum> byCategory(int keyBuckets) {
        return orders()
                .keyBy("category", Order::category)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .keyBuckets(keyBuckets)
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("gmv-by-category").withValueColumns("count", "sum_cents"));
    }

    /** All categories, per 10 seconds: count of orders and GMV in cents. */
    public static PipelineDefinition<CountAndSum> total() {
        return orders()
                .windowAll(TumblingWindows.of(Duration.ofSeconds(10)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("gmv-total").withValueColumns("count", "sum_cents"));
    }

    private static Pipeline<Order> orders() {
        // The pipelines read 3 of an order's 5 fields: the decoder checks the ids but never builds them.
        return Pipeline.from(Source.jsonLines(Order.class).readingOnly("category", "amount", "ts"))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(MAX_DISORDER));
    }

    @Override
    public List<PipelineDefinition<?>> pipelines() {
        return List.of(byCategory(), total());
    }
}
