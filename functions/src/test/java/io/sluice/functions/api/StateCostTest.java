package io.sluice.functions.api;

import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The state cost a definition states before it is deployed. */
class StateCostTest {

    private static KeyedStream<Order, String> byCategory() {
        return Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("category", Order::category);
    }

    @Test
    void itemLimit_isTheStateStoresOwn() {
        assertThat(StateCost.ITEM_LIMIT_BYTES).isEqualTo(io.sluice.state.StateStore.ITEM_LIMIT_BYTES)
                .isEqualTo(io.sluice.state.memory.InMemoryStateStore.DEFAULT_ITEM_LIMIT_BYTES);
        assertThat(StateCost.LOG_ABOVE_BYTES)
                .isEqualTo(io.sluice.state.dynamodb.DynamoDbStateStoreBuilder.DEFAULT_LOG_ABOVE_BYTES);
    }

    @Test
    void gmvByCategory_isBounded_andSaysWhatABucketItemCosts() {
        StateCost cost = GmvPipelines.byCategory().stateCost();

        assertThat(cost.bounded()).isTrue();
        assertThat(cost.keyBuckets()).isEqualTo(1);
        assertThat(cost.bucketBytes(1_000)).isEqualTo(1_000 * (StateCost.ENTRY_OVERHEAD_BYTES + 20));
        assertThat(cost.describe(1_000)).contains("about 1000 keys", "at most 37.1 KB per bucket item",
                "38 write units", "stored deflated");
        StateCost over16 = GmvPipelines.byCategory(16).stateCost();
        assertThat(over16.keyBuckets()).isEqualTo(WindowedStream.DEFAULT_KEY_BUCKETS);
        assertThat(over16.bucketBytes(1_000)).isEqualTo(63 * (StateCost.ENTRY_OVERHEAD_BYTES + 20));
        assertThat(over16.describe(1_000)).contains("about 63 keys", "at most 2.3 KB per bucket item",
                "3 write units");
    }

    @Test
    void aBoundedStateOverOneItem_isToldToRaiseItsKeyBuckets() {
        StateCost cost = byCategory().window(TumblingWindows.of(Duration.ofMinutes(1))).keyBuckets(1)
                .aggregate(Aggregates.max(Order::amount)).to(Sink.results("max")).stateCost();

        assertThat(cost.describe(20_000)).contains("written as chunks", "raise keyBuckets to about 9",
                "twice the bytes of the keys it changes");
        assertThat(cost.describe(1_000)).doesNotContain("twice the bytes");
    }

    @Test
    void anExactDistinctCount_growsWithTheData_andSlidingWindowsMultiplyTheItems() {
        StateCost cost = byCategory().window(SlidingWindows.of(Duration.ofMinutes(10), Duration.ofMinutes(1)))
                .aggregate(Aggregates.countDistinct(Order::userId)).to(Sink.results("users")).stateCost();

        assertThat(cost.bounded()).isFalse();
        assertThat(cost.bucketBytes(10)).isEqualTo(-1);
        assertThat(cost.windowsPerRecord()).isEqualTo(10);
        assertThat(cost.describe(100)).contains("grows with the data", "no ceiling", "up to 10 windows");
    }
}
