package io.sluice.functions.driver;

import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch's late and rejected records reach their sinks in one call each, before any of its partials is stored; a
 * firing's rows reach every results sink together.
 */
class SinkOutputsTest {

    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory());

    /** Records every writeAll call; fails while {@code failing} is set. */
    static final class Recording<T> implements RecordSink<T> {
        final List<List<T>> calls = new ArrayList<>();
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public void write(T record) {
            writeAll(List.of(record));
        }

        @Override
        public void writeAll(List<T> records) {
            if (failing.get()) {
                throw new IllegalStateException("sink unavailable");
            }
            calls.add(List.copyOf(records));
        }

        List<T> all() {
            return calls.stream().flatMap(List::stream).toList();
        }
    }

    private final Recording<LateRecord> late = new Recording<>();
    private final Recording<RejectedRecord> rejected = new Recording<>();
    private final SinkOutputs outputs = new SinkOutputs(List.of(rows -> { }), late, rejected);
    private final InMemoryStateStore store = new InMemoryStateStore();

    @Test
    void apply_sendsABatchsRejectedAndLateRecords_inOneWriteEach() {
        // Arrange: a window passed by the split's watermark, then 500 garbage lines and 500 records of that window
        PipelineRun run = PipelineRun.stream(GMV, store, outputs, new RunMetrics());
        run.apply("shard-0", Lines.orders(1, 10_000, 600_000), 0);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            lines.add("garbage " + i);
            lines.add(Lines.orders(0, 20_000).lines().get(0));
        }

        // Act
        run.apply("shard-0", new Lines(lines, 3), 0);

        // Assert
        assertThat(rejected.calls).singleElement().satisfies(call -> assertThat(call).hasSize(500));
        assertThat(late.calls).singleElement().satisfies(call -> assertThat(call).hasSize(500));
        assertThat(outputs.pending("shard-0")).isZero();
    }

    @Test
    void apply_storesNothingOfTheBatch_whenTheDeadLetterSinkFails_andTheRetrySendsEachOnce() {
        // Arrange
        PipelineRun run = PipelineRun.stream(GMV, store, outputs, new RunMetrics());
        Lines batch = new Lines(List.of("{not json", Lines.orders(0, 10_000).lines().get(0), "garbage"), 1);
        rejected.failing.set(true);

        // Act
        assertThatThrownBy(() -> run.apply("shard-0", batch, 0)).hasMessageContaining("sink unavailable");

        // Assert: no fence, no partial; the retry sends the two dead letters once, in one call
        assertThat(store.readSplit(GMV.name(), "shard-0").map(SplitState::fence).orElse(Fence.NONE))
                .isEqualTo(Fence.NONE);
        assertThat(outputs.pending("shard-0")).isEqualTo(2);
        rejected.failing.set(false);
        run.apply("shard-0", batch, 0);
        assertThat(rejected.calls).singleElement().satisfies(call -> assertThat(call)
                .extracting(RejectedRecord::position).containsExactly("seq=1", "seq=3"));
        assertThat(store.readSplit(GMV.name(), "shard-0").orElseThrow().fence()).isEqualTo(Fence.ofOrdinal(3));
    }

    @Test
    void flush_keepsRecordsEmittedAgain_once() {
        RejectedRecord r = new RejectedRecord("p", "s", "seq=1", "not JSON", "x");
        outputs.rejected(r);
        outputs.rejected(r);
        outputs.rejected(new RejectedRecord("p", "other", "seq=1", "not JSON", "x"));

        outputs.flush("s");

        assertThat(rejected.all()).containsExactly(r);
        assertThat(outputs.pending("other")).isEqualTo(1);
    }

    private static final List<ResultRow> ROWS = List.of(new ResultRow("gmv", 0, 60_000, "c-1", 3L, true));

    @Test
    void results_writesEverySinkTogether_andReturnsWhenAllHold() {
        // Arrange: each sink finishes only once all three have started; one after the other, none would.
        CountDownLatch allStarted = new CountDownLatch(3);
        List<String> wrote = Collections.synchronizedList(new ArrayList<>());
        List<ResultsSink> sinks = new ArrayList<>();
        for (String name : List.of("s3", "table", "totals")) {
            sinks.add(rows -> {
                allStarted.countDown();
                try {
                    if (!allStarted.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException(name + " waited for the other sinks in vain");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                wrote.add(name);
            });
        }
        SinkOutputs outputs = new SinkOutputs(sinks, late -> { }, rejected -> { });

        // Act
        outputs.results(ROWS);

        // Assert
        assertThat(wrote).containsExactlyInAnyOrder("s3", "table", "totals");
        assertThat(outputs.rowsOut()).isEqualTo(1);
    }

    @Test
    void results_throwsTheFirstSinksFailure_afterTheOthersFinished() {
        List<String> wrote = Collections.synchronizedList(new ArrayList<>());
        SinkOutputs outputs = new SinkOutputs(List.of(
                rows -> {
                    throw new IllegalStateException("s3 unavailable");
                },
                rows -> wrote.add("table")), late -> { }, rejected -> { });

        assertThatThrownBy(() -> outputs.results(ROWS)).hasMessage("s3 unavailable");
        assertThat(wrote).containsExactly("table");
        assertThat(outputs.rowsOut()).isZero();
    }

    @Test
    void resultsOfWindows_givesEachSinkEveryWindowAtOnce_andASinkWithoutItsOwnWay_oneWindowAfterTheOther() {
        // Arrange: one sink writes windows its own way, one keeps the default; an empty window is skipped.
        List<ResultRow> second = List.of(new ResultRow("gmv", 60_000, 120_000, "c-1", 4L, true),
                new ResultRow("gmv", 60_000, 120_000, "c-2", 5L, true));
        List<List<List<ResultRow>>> together = Collections.synchronizedList(new ArrayList<>());
        List<List<ResultRow>> oneByOne = Collections.synchronizedList(new ArrayList<>());
        ResultsSink byWindow = new ResultsSink() {
            @Override
            public void write(List<ResultRow> rows) {
                throw new AssertionError("written window by window");
            }

            @Override
            public void writeWindows(List<List<ResultRow>> windows) {
                together.add(windows);
            }
        };
        SinkOutputs outputs = new SinkOutputs(List.of(byWindow, oneByOne::add), late -> { }, rejected -> { });

        // Act
        outputs.resultsOfWindows(List.of(ROWS, List.of(), second));

        // Assert
        assertThat(together).containsExactly(List.of(ROWS, second));
        assertThat(oneByOne).containsExactly(ROWS, second);
        assertThat(outputs.rowsOut()).isEqualTo(3);
    }
}
