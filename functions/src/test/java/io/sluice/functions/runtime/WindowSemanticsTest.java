package io.sluice.functions.runtime;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.WindowResult;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.testing.PipelineTestDriver;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.Trigger;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.functions.window.WindowAssigner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class WindowSemanticsTest {

    private static final Duration DISORDER = Duration.ofSeconds(5);

    private static Order order(String category, long amount, long ts) {
        return new Order("o-" + ts, "u-1", category, amount, ts);
    }

    private static PipelineDefinition<CountAndSum> byCategory(WindowAssigner windows, WatermarkStrategy watermarks) {
        return Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, watermarks)
                .keyBy("category", Order::category)
                .window(windows)
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("test"));
    }

    private static PipelineDefinition<CountAndSum> minutes(Duration lateness) {
        return byCategory(TumblingWindows.of(Duration.ofMinutes(1)).withAllowedLateness(lateness),
                WatermarkStrategy.boundedDisorder(DISORDER));
    }

    @Test
    void recordOnAWindowBoundary_goesToTheWindowItStarts() {
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.pipe("s", order("c", 1, 0)).pipe("s", order("c", 2, 59_999)).pipe("s", order("c", 4, 60_000));
            driver.finish();

            assertThat(driver.results()).extracting(WindowResult::windowStart, WindowResult::windowEnd, WindowResult::value)
                    .containsExactly(tuple(0L, 60_000L, new CountAndSum(2, 3)), tuple(60_000L, 120_000L, new CountAndSum(1, 4)));
        }
    }

    @Test
    void window_fires_onlyWhenTheWatermarkPassesItsEnd() {
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.pipe("s", order("c", 1, 10_000)).pipe("s", order("c", 1, 64_999)).flush();
            assertThat(driver.watermark()).isEqualTo(59_999);
            assertThat(driver.results()).isEmpty();

            driver.pipe("s", order("c", 1, 65_000)).flush();

            assertThat(driver.watermark()).isEqualTo(60_000);
            assertThat(driver.results()).singleElement().satisfies(r -> {
                assertThat(r.windowStart()).isZero();
                assertThat(r.isFinal()).isTrue();
                assertThat(r.value()).isEqualTo(new CountAndSum(1, 1));
            });
        }
    }

    @Test
    void recordWithinTheDisorderBound_isNeverLate() {
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.pipe("s", order("c", 1, 65_000)).flush();           // watermark 60,000: [0,60000) fires empty
            driver.pipe("s", order("c", 1, 60_000)).flush();           // exactly 5 s behind: not late
            driver.finish();

            assertThat(driver.lateRecords()).isEmpty();
            assertThat(driver.results()).extracting(WindowResult::value).containsExactly(new CountAndSum(2, 2));
        }
    }

    @Test
    void lateRecord_isAdded_withinAllowedLateness_andLaterOnesGoToTheLateOutput() {
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ofSeconds(10)))) {
            driver.pipe("s", order("c", 1, 30_000)).pipe("s", order("c", 1, 70_000)).flush();   // W = 65,000 < 70,000
            driver.pipe("s", order("c", 10, 59_000)).flush();                                    // within lateness
            assertThat(driver.results()).isEmpty();

            driver.pipe("s", order("c", 1, 75_000)).flush();                                     // W = 70,000: fires
            driver.pipe("s", order("c", 100, 59_500)).flush();                                   // beyond lateness
            driver.finish();

            assertThat(driver.results()).extracting(WindowResult::windowStart, WindowResult::value).containsExactly(
                    tuple(0L, new CountAndSum(2, 11)), tuple(60_000L, new CountAndSum(2, 2)));
            assertThat(driver.metrics().late()).isEqualTo(1);
            assertThat(driver.lateRecords()).singleElement().satisfies(late -> {
                assertThat(late.timestamp()).isEqualTo(59_500);
                assertThat(late.windowStart()).isZero();
                assertThat(late.windowEnd()).isEqualTo(60_000);
                assertThat(late.watermark()).isEqualTo(70_000);
                assertThat(late.split()).isEqualTo("s");
                assertThat(late.record()).contains("\"amount\":100");
            });
        }
    }

    @Test
    void slidingWindowRecord_countsInEveryWindowItFallsIn() {
        var def = byCategory(SlidingWindows.of(Duration.ofMinutes(10), Duration.ofMinutes(5)),
                WatermarkStrategy.boundedDisorder(DISORDER));
        try (var driver = new PipelineTestDriver<>(def)) {
            driver.pipe("s", order("c", 7, 7 * 60_000)).finish();

            assertThat(driver.results()).extracting(WindowResult::windowStart, WindowResult::windowEnd)
                    .containsExactly(tuple(0L, 600_000L), tuple(300_000L, 900_000L));
        }
    }

    @Test
    void sessions_merge_acrossBatchesAndSplits_andSeparateOnesStayApart() {
        var def = byCategory(SessionWindows.withGap(Duration.ofMinutes(30)), WatermarkStrategy.boundedDisorder(DISORDER));
        long minute = 60_000;
        try (var driver = new PipelineTestDriver<>(def)) {
            driver.pipe("a", order("u", 1, 0)).flush();
            driver.pipe("b", order("u", 2, 10 * minute)).flush();
            driver.pipe("a", order("v", 16, 5 * minute)).flush();
            driver.pipe("a", order("u", 4, 40 * minute)).flush();     // exactly one gap after 10: touches, merges
            driver.pipe("b", order("u", 8, 100 * minute)).flush();    // 60 min of silence: a new session
            driver.pipe("a", order("w", 32, 5 * minute)).flush();     // far behind the watermark: late
            driver.finish();

            assertThat(driver.lateRecords()).extracting(LateRecord::timestamp).containsExactly(5 * minute);

            assertThat(driver.results()).extracting(WindowResult::key, WindowResult::windowStart, WindowResult::windowEnd, WindowResult::value)
                    .containsExactly(
                            tuple("u", 0L, 70 * minute, new CountAndSum(3, 7)),
                            tuple("v", 5 * minute, 35 * minute, new CountAndSum(1, 16)),
                            tuple("u", 100 * minute, 130 * minute, new CountAndSum(1, 8)));
        }
    }

    @Test
    void finishedSession_firesOnce_whileLaterOnesAreStillOpen() {
        var def = byCategory(SessionWindows.withGap(Duration.ofMinutes(1)), WatermarkStrategy.boundedDisorder(DISORDER));
        try (var driver = new PipelineTestDriver<>(def)) {
            driver.pipe("a", order("u", 1, 0)).flush();
            driver.pipe("a", order("u", 2, 200_000)).flush();          // W = 195,000 > 60,000: first session final
            assertThat(driver.results()).extracting(WindowResult::value).containsExactly(new CountAndSum(1, 1));

            driver.pipe("a", order("u", 4, 230_000)).flush();
            driver.finish();

            assertThat(driver.results()).extracting(WindowResult::windowStart, WindowResult::value)
                    .containsExactly(tuple(0L, new CountAndSum(1, 1)), tuple(200_000L, new CountAndSum(2, 6)));
        }
    }

    @Test
    void session_isKept_whenItStartsInAPaneWhoseSessionsHaveAllFired() {
        // Gap 1 min: sessions are stored in 4-minute panes by start, [0, 240,000) here.
        var def = byCategory(SessionWindows.withGap(Duration.ofMinutes(1)), WatermarkStrategy.boundedDisorder(DISORDER));
        try (var driver = new PipelineTestDriver<>(def)) {
            driver.pipe("a", order("u", 1, 10_000)).flush();
            driver.pipe("a", order("u", 2, 240_000)).flush();          // W = 235,000: [10,000, 70,000) fires, the pane's only session
            driver.pipe("a", order("u", 4, 236_000)).flush();          // not late: opens a session in the same pane
            driver.finish();

            assertThat(driver.lateRecords()).isEmpty();
            assertThat(driver.results()).extracting(WindowResult::windowStart, WindowResult::windowEnd, WindowResult::value)
                    .containsExactly(tuple(10_000L, 70_000L, new CountAndSum(1, 1)), tuple(236_000L, 300_000L, new CountAndSum(2, 6)));
        }
    }

    @Test
    void globalWindow_writesOneRow_withoutKey() {
        try (var driver = new PipelineTestDriver<>(GmvPipelines.total())) {
            driver.pipe("s", order("a", 1, 1_000)).pipe("s", order("b", 2, 9_999)).pipe("s", order("c", 4, 10_000));
            driver.finish();

            assertThat(driver.results()).extracting(WindowResult::key, WindowResult::windowStart, WindowResult::value)
                    .containsExactly(tuple(null, 0L, new CountAndSum(2, 3)), tuple(null, 10_000L, new CountAndSum(1, 4)));
        }
    }

    @Test
    void earlyTrigger_emitsNonFinalUpdates_thenOneFinalResult() {
        var def = Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(DISORDER))
                .windowAll(TumblingWindows.of(Duration.ofMinutes(1)))
                .trigger(Trigger.atWatermark().withEarlyFiringsEvery(Duration.ofSeconds(10)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("live"));
        try (var driver = new PipelineTestDriver<>(def)) {
            driver.pipe("s", order("c", 1, 1_000)).flush();
            driver.pipe("s", order("c", 2, 20_000)).flush();
            driver.pipe("s", order("c", 4, 40_000)).flush();
            driver.finish();

            assertThat(driver.earlyResults()).extracting(WindowResult::isFinal).containsOnly(false);
            assertThat(driver.earlyResults()).extracting(WindowResult::value)
                    .containsExactly(new CountAndSum(1, 1), new CountAndSum(2, 3), new CountAndSum(3, 7));
            assertThat(driver.results()).extracting(WindowResult::value).containsExactly(new CountAndSum(3, 7));
        }
    }

    @Test
    void silentSplit_holdsTheWatermark_unlessItIsIdle() {
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.split("silent");
            driver.pipe("busy", order("c", 1, 0)).pipe("busy", order("c", 1, 300_000)).flush();

            assertThat(driver.results()).isEmpty();
        }
        var idle = byCategory(TumblingWindows.of(Duration.ofMinutes(1)),
                WatermarkStrategy.boundedDisorder(DISORDER).withIdleness(Duration.ofMinutes(1)));
        try (var driver = new PipelineTestDriver<>(idle)) {
            driver.split("silent");
            driver.pipe("busy", order("c", 1, 0)).flush();
            driver.pipe("busy", order("c", 1, 300_000)).flush();

            assertThat(driver.results()).extracting(WindowResult::windowStart).containsExactly(0L);
        }
    }

    @Test
    void pipeline_producesNothingForEmptyInput_andOneRowForOneRecord() {
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.finish();
            assertThat(driver.results()).isEmpty();
            assertThat(driver.metrics().recordsIn()).isZero();
        }
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.pipe("s", order("c", 42, 1_605_024_000_000L)).finish();
            assertThat(driver.results()).singleElement().satisfies(r -> {
                assertThat(r.windowStart()).isEqualTo(1_605_024_000_000L);
                assertThat(r.value()).isEqualTo(new CountAndSum(1, 42));
            });
        }
    }

    @Test
    void sum_takesNegativeAmounts_andSendsTheRecordThatWouldOverflowToTheDeadLetters_namingItsWindow() {
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.pipe("s", order("c", 500, 0)).pipe("s", order("c", -800, 1)).finish();
            assertThat(driver.results()).extracting(WindowResult::value).containsExactly(new CountAndSum(2, -300));
        }
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.pipe("shard-7", order("c-9", Long.MAX_VALUE, 0)).pipe("shard-7", order("c-9", 1, 1)).finish();

            assertThat(driver.rejectedRecords()).singleElement().satisfies(r -> {
                assertThat(r.split()).isEqualTo("shard-7");
                assertThat(r.position()).isEqualTo("seq=2");
                assertThat(r.reason()).isEqualTo("aggregate overflow in window [0,60000)");   // the key is a value
            });
            assertThat(driver.results()).extracting(WindowResult::value)
                    .containsExactly(new CountAndSum(1, Long.MAX_VALUE));
        }
    }

    @Test
    void undecodableRecord_goesToTheDeadLettersWithItsReason_andTheRunGoesOn() {
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.pipe("s", order("c", 1, 0))
                    .pipe("s", "{\"orderId\":\"o\",\"userId\":\"u\",\"category\":\"c\",\"ts\":5}")
                    .pipe("s", "garbage")
                    .pipe("s", "x".repeat(2 * 1024 * 1024))
                    .pipe("s", order("c", 2, 1))
                    .finish();

            assertThat(driver.results()).extracting(WindowResult::value).containsExactly(new CountAndSum(2, 3));
            assertThat(driver.metrics().rejected()).isEqualTo(3);
            assertThat(driver.rejectedRecords()).extracting(RejectedRecord::position, RejectedRecord::reason)
                    .containsExactly(tuple("seq=2", "field amount: missing"), tuple("seq=3", "not JSON"),
                            tuple("seq=4", "record over 1048576 bytes"));
            assertThat(driver.rejectedRecords().get(2).record()).isNull();
        }
    }

    @Test
    void recordThatMakesAPipelineStepFail_goesToTheDeadLetters() {
        var def = Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(DISORDER))
                .map(o -> o.amount() < 0 ? null : o)
                .map(o -> new Order(o.orderId(), o.userId(), o.category(), o.amount() * 2, o.ts()))
                .keyBy(o -> o.category().isEmpty() ? null : o.category())
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("steps"));
        try (var driver = new PipelineTestDriver<>(def)) {
            driver.pipe("s", order("c", 1, 0)).pipe("s", order("c", -1, 0)).pipe("s", order("", 1, 0)).finish();

            assertThat(driver.results()).extracting(WindowResult::value).containsExactly(new CountAndSum(1, 2));
            assertThat(driver.rejectedRecords()).extracting(RejectedRecord::reason)
                    .containsExactlyInAnyOrder("pipeline step failed", "key is null");
            assertThat(driver.rejectedRecords()).hasSize(2);
        }
    }

    @Test
    void filterAndFlatMap_keepTheInputTimestamp() {
        var def = Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(DISORDER))
                .filter(o -> o.amount() > 0)
                .<Order>flatMap((o, out) -> {
                    out.accept(o);
                    out.accept(new Order(o.orderId(), o.userId(), "all", o.amount(), o.ts()));
                })
                .keyBy("category", Order::category)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("flat"));
        try (var driver = new PipelineTestDriver<>(def)) {
            driver.pipe("s", order("a", 3, 61_000)).pipe("s", order("b", 0, 0)).finish();

            assertThat(driver.results()).extracting(WindowResult::key, WindowResult::windowStart, WindowResult::value)
                    .containsExactly(tuple("a", 60_000L, new CountAndSum(1, 3)), tuple("all", 60_000L, new CountAndSum(1, 3)));
        }
    }

    @Test
    void results_areIdentical_afterARestartAndARedeliveredBatch() {
        List<Order> orders = List.of(order("a", 1, 0), order("b", 2, 30_000), order("a", 4, 61_000),
                order("b", 8, 90_000), order("a", 16, 125_000), order("b", 32, 130_000));
        List<WindowResult<CountAndSum>> expected;
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            orders.forEach(o -> driver.pipe("s", o).flush());
            expected = driver.finish().results();
        }
        try (var driver = new PipelineTestDriver<>(minutes(Duration.ZERO))) {
            driver.pipe("s", orders.get(0)).pipe("s", orders.get(1)).flush();
            driver.redeliver("s");                         // the same batch again: already applied
            driver.restart();                              // a new instance: cold cache
            driver.pipe("s", orders.get(2)).pipe("s", orders.get(3)).flush();
            driver.restart();
            driver.redeliver("s");                         // retried after a crash, on a new instance
            orders.subList(4, 6).forEach(o -> driver.pipe("s", o));
            List<WindowResult<CountAndSum>> actual = driver.finish().results();

            assertThat(actual).isEqualTo(expected);
            assertThat(driver.metrics().replayed()).isEqualTo(4);
        }
    }
}
