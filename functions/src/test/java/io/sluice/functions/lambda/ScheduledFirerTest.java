package io.sluice.functions.lambda;

import io.sluice.functions.driver.ScheduledFirer;
import io.sluice.functions.api.CountAndSum;
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

/** The scheduled firer closes the last window of a stream that went quiet, without a new record. */
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
