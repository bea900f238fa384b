package io.sluice.functions.lambda;

import io.sluice.functions.driver.ScheduledFirer;
import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.LineBatch;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The scheduled firer closes the last window of a stream that went quiet, without a new record; for sessions it runs
 * a round on every tick, whatever the firing interval.
 */
class ScheduledFirerTest {

    private static final long T0 = Instant.parse("2020-11-11T00:00:00Z").toEpochMilli();
    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory()
            .withWatermarks(GmvPipelines.byCategory().watermarks().withIdleness(Duration.ofMinutes(2))));

    @Test
    void tick_firesTheLastWindowOfAQuietStream_andEmitsItsMetricsLine() {
        // Arrange: two orders in the first minute; the operator's own firing cannot close that minute yet
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingOutputs outputs = Outputs.collecting();
        PipelineRun operator = PipelineRun.stream(GMV, store, outputs, new RunMetrics());
        operator.apply("shardId-000000000000", batch(T0 + 10_000, T0 + 50_000), T0 + 50_000);
        operator.fire(T0 + 50_000);
        assertThat(outputs.finalResults()).isEmpty();
        ByteArrayOutputStream metrics = new ByteArrayOutputStream();
        Clock later = Clock.fixed(Instant.ofEpochMilli(T0 + 50_000 + Duration.ofMinutes(4).toMillis()), ZoneOffset.UTC);
        ScheduledFirer firer = new ScheduledFirer(PipelineRun.stream(GMV, store, outputs, new RunMetrics())
                .withOwnerPrefix("scheduled"), later,
                new EmfMetrics("Sluice", GMV.name(), "firer", new PrintStream(metrics, true, StandardCharsets.UTF_8)));

        // Act: a tick four quiet minutes later
        long watermark = firer.tick();

        // Assert
        assertThat(watermark).isGreaterThanOrEqualTo(T0 + 60_000);
        assertThat(outputs.finalResults()).extracting(ResultRow::value).containsExactly(new CountAndSum(2, 200));
        assertThat(metrics.toString(StandardCharsets.UTF_8)).contains("\"WindowsFired\":1", "\"Function\":\"firer\"");
    }

    @Test
    void tick_runsASessionRound_evenWithinTheFiringInterval() {
        // Arrange: sessions with a one-minute gap, so rounds are paced at one minute of watermark
        CompiledPipeline sessions = CompiledPipeline.compile(Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("category", Order::category)
                .window(SessionWindows.withGap(Duration.ofMinutes(1)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("sessions")));
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingOutputs outputs = Outputs.collecting();
        PipelineRun operator = PipelineRun.stream(sessions, store, outputs, new RunMetrics());
        ScheduledFirer firer = new ScheduledFirer(PipelineRun.stream(sessions, store, outputs, new RunMetrics())
                .withOwnerPrefix("scheduled"), Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC),
                new EmfMetrics("Sluice", sessions.name(), "firer", new PrintStream(new ByteArrayOutputStream())));
        operator.apply("shardId-000000000000", orders(1, new Order("o-1", "u-1", "c-1", 100, T0 + 10_000),
                new Order("o-2", "u-2", "c-2", 100, T0 + 40_000)), T0);
        assertThat(firer.tick()).isEqualTo(T0 + 35_000);                  // a round at W = 0:35
        operator.apply("shardId-000000000000", orders(3, new Order("o-3", "u-3", "c-3", 100, T0 + 77_000)), T0);
        // W = 1:12: c-1's [0:10, 1:10) is final, c-2's [0:40, 1:40) open

        // Act: 37 s of watermark after its last round, less than the interval: the stream may have gone quiet
        firer.tick();

        // Assert
        assertThat(outputs.finalResults()).extracting(ResultRow::key, ResultRow::windowStart, ResultRow::windowEnd)
                .containsExactly(tuple("c-1", T0 + 10_000, T0 + 70_000));
    }

    private static LineBatch orders(long firstOrdinal, Order... orders) {
        LineBatch batch = new LineBatch(16);
        long ordinal = firstOrdinal;
        for (Order o : orders) {
            byte[] line = o.toJson().getBytes(StandardCharsets.UTF_8);
            batch.add(line, 0, line.length, ordinal, ordinal);
            ordinal++;
        }
        return batch;
    }

    private static LineBatch batch(long... timestamps) {
        LineBatch batch = new LineBatch(16);
        long ordinal = 1;
        for (long ts : timestamps) {
            byte[] line = new Order("o-" + ordinal, "u-1", "c-1", 100, ts).toJson().getBytes(StandardCharsets.UTF_8);
            batch.add(line, 0, line.length, ordinal, ordinal);
            ordinal++;
        }
        return batch;
    }
}
