package io.sluice.functions.driver;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.Order;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.state.Partial;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Session lateness judged by the session a record would join (issue 18), through {@link PipelineRun} on a real
 * store (in memory, and DynamoDB on the local engine). Before, a session record was late whenever
 * {@code ts + lateness < watermark}: every record these tests expect counted went to the late output.
 */
abstract class SessionLatenessContractTest {

    private static final long MINUTE = 60_000;

    private final CollectingOutputs outputs = Outputs.collecting();
    private final RunMetrics metrics = new RunMetrics();

    /** A new store on the same tables: a new Lambda instance. */
    protected abstract StateStore newStore();

    private static CompiledPipeline sessions(Duration gap) {
        return CompiledPipeline.compile(Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("category", Order::category)
                .window(SessionWindows.withGap(gap))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("sessions-lateness")));
    }

    private static Order order(String key, long ts) {
        return new Order("o-" + key + "-" + ts, "u-1", key, 1, ts);
    }

    @Test
    void recordBehindTheWatermark_counts_whileTheSessionItJoinsIsOpen() {
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(30));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-1", 10 * MINUTE), order("c-9", 30 * MINUTE + 35_000)), 0);
        assertThat(run.fire(0)).isEqualTo(30 * MINUTE + 30_000);                 // W = 30:30

        // 29:00 + 0 < 30:30: late by its own timestamp, but c-1's session [10:00, 40:00) is open, and c-2's own
        // window [29:00, 59:00) is open.
        run.apply("shard-0", Lines.of(3, order("c-1", 29 * MINUTE), order("c-2", 29 * MINUTE)), 0);
        finishAll(run, store, pipeline);

        assertThat(outputs.lateRecords()).isEmpty();
        assertThat(rows()).extracting(ResultRow::key, ResultRow::windowStart, ResultRow::windowEnd, r -> count(r))
                .containsExactly(
                        tuple("c-1", 10 * MINUTE, 59 * MINUTE, 2L),
                        tuple("c-2", 29 * MINUTE, 59 * MINUTE, 1L),
                        tuple("c-9", 30 * MINUTE + 35_000, 60 * MINUTE + 35_000, 1L));
        assertAccounted(4);
    }

    @Test
    void recordThatWouldBridgeIntoAFiredSession_isLate_andOneJustAfterItCounts() {
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(30));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-1", 0), order("c-9", 31 * MINUTE + 5_000)), 0);
        run.fire(0);                                                             // W = 31:00: [0, 30:00) fires
        assertThat(rows()).extracting(ResultRow::key).containsExactly("c-1");

        // 29:00 touches the fired [0, 30:00): merging would change a row already written. 30:30 does not touch it.
        run.apply("shard-0", Lines.of(3, order("c-1", 29 * MINUTE), order("c-1", 30 * MINUTE + 30_000)), 0);
        finishAll(run, store, pipeline);

        assertThat(outputs.lateRecords()).extracting(LateRecord::timestamp).containsExactly(29 * MINUTE);
        assertThat(rows()).filteredOn(r -> r.key().equals("c-1"))
                .extracting(ResultRow::windowStart, ResultRow::windowEnd, r -> count(r))
                .containsExactly(tuple(0L, 30 * MINUTE, 1L), tuple(30 * MINUTE + 30_000, 60 * MINUTE + 30_000, 1L));
        assertAccounted(4);
    }

    @Test
    void recordBehindTheWatermark_joinsASessionRunningIntoTheNextPane() {
        // Gap 1 min: fragments are stored in 4-minute panes by start. c-1's session [2:30, 5:20) is [2:30, 4:30) in
        // pane [0, 4:00) and [4:20, 5:20) in pane [4:00, 8:00); at W = 5:00 the first part alone would be final.
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(1));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-1", 150_000), order("c-1", 210_000), order("c-1", 260_000),
                order("c-9", 305_000)), 0);
        run.fire(0);
        assertThat(rows()).isEmpty();

        run.apply("shard-1", Lines.of(1, order("c-1", 120_000)), 0);             // 2:00 touches [2:30, ...)
        finishAll(run, store, pipeline);

        assertThat(outputs.lateRecords()).isEmpty();
        assertThat(rows()).extracting(ResultRow::key, ResultRow::windowStart, ResultRow::windowEnd, r -> count(r))
                .containsExactly(tuple("c-1", 120_000L, 320_000L, 4L), tuple("c-9", 305_000L, 365_000L, 1L));
    }

    @Test
    void recordBehindTheWatermark_isLate_whenItsOwnWindowIsFinalAndItTouchesNothing() {
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(1));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-9", 305_000)), 0);
        run.fire(0);                                                             // W = 5:00

        run.apply("shard-0", Lines.of(2, order("c-1", 230_000), order("c-2", 250_000)), 0);
        finishAll(run, store, pipeline);

        // [3:50, 4:50) is final at 5:00 (it would never fire); [4:10, 5:10) is open.
        assertThat(outputs.lateRecords()).extracting(LateRecord::timestamp).containsExactly(230_000L);
        assertThat(rows()).extracting(ResultRow::key).containsExactly("c-2", "c-9");
        assertAccounted(3);
    }

    @Test
    void noRoundReadsFragments_betweenACandidatesJudgementAndItsWrite() {
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(30));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-1", 10 * MINUTE), order("c-9", 30 * MINUTE + 35_000)), 0);
        run.fire(0);
        AtomicInteger firedDuringWrite = new AtomicInteger(-1);
        StateStore racing = ExactlyOnceScenariosContractTest.before(newStore(), "writePartial", () -> {
            if (firedDuringWrite.get() < 0) {
                // Another instance's round, with every split finished: it would fire c-1's [10:00, 40:00) without the
                // record being written, were it not for the claim the writer holds.
                PipelineRun other = PipelineRun.stream(pipeline, newStore(), outputs, metrics);
                store.splits(pipeline.name()).forEach(s -> other.finish(s.split(), 0));
                int before = rows().size();
                other.fire(0);
                firedDuringWrite.set(rows().size() - before);
            }
        });
        PipelineRun.stream(pipeline, racing, outputs, metrics)
                .apply("shard-1", Lines.of(1, order("c-1", 29 * MINUTE)), 0);
        finishAll(run, store, pipeline);

        assertThat(firedDuringWrite.get()).isZero();
        assertThat(outputs.lateRecords()).isEmpty();
        assertThat(rows()).filteredOn(r -> r.key().equals("c-1"))
                .extracting(ResultRow::windowStart, ResultRow::windowEnd, r -> count(r))
                .containsExactly(tuple(10 * MINUTE, 59 * MINUTE, 2L));
    }

    @Test
    void candidatesAreLate_whileARoundHoldsTheClaim() {
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(30));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-1", 10 * MINUTE), order("c-9", 30 * MINUTE + 35_000)), 0);
        run.fire(0);
        // A round that crashed holding the claim: its lease has not lapsed yet.
        assertThat(store.claimFiring(pipeline.name(), new Slot(Long.MIN_VALUE, Long.MIN_VALUE + 1), "crashed", 0,
                600_000)).isTrue();

        run.apply("shard-0", Lines.of(3, order("c-1", 29 * MINUTE), order("c-1", 31 * MINUTE)), 0);

        assertThat(outputs.lateRecords()).extracting(LateRecord::timestamp).containsExactly(29 * MINUTE);
    }

    @Test
    void retriedCandidate_isCountedOnce_whenTheFailedAttemptWroteIt() {
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(30));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-1", 10 * MINUTE), order("c-9", 30 * MINUTE + 35_000)), 0);
        run.fire(0);
        AtomicBoolean crashed = new AtomicBoolean();
        StateStore crashing = ExactlyOnceScenariosContractTest.before(newStore(), "advanceSplit", () -> {
            if (crashed.compareAndSet(false, true)) {
                throw new StateStoreException("injected crash after the partial write");
            }
        });
        Lines batch = Lines.of(3, order("c-1", 29 * MINUTE), order("c-2", 29 * MINUTE));
        assertThatThrownBy(() -> PipelineRun.stream(pipeline, crashing, outputs, metrics).apply("shard-0", batch, 0))
                .isInstanceOf(StateStoreException.class);
        PipelineRun.stream(pipeline, newStore(), outputs, metrics).apply("shard-0", batch, 0);   // the retry
        finishAll(run, store, pipeline);

        assertThat(outputs.lateRecords()).isEmpty();
        assertThat(rows()).extracting(ResultRow::key, r -> count(r))
                .containsExactly(tuple("c-1", 2L), tuple("c-2", 1L), tuple("c-9", 1L));
    }

    @Test
    void retriedCandidate_isLateOnce_whenTheFailedAttemptDidNotWriteIt() {
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(30));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-1", 10 * MINUTE), order("c-9", 30 * MINUTE + 35_000)), 0);
        run.fire(0);
        AtomicBoolean crashed = new AtomicBoolean();
        StateStore crashing = ExactlyOnceScenariosContractTest.before(newStore(), "writePartial", () -> {
            if (crashed.compareAndSet(false, true)) {
                throw new StateStoreException("injected crash before the partial write");
            }
        });
        Lines batch = Lines.of(3, order("c-1", 29 * MINUTE));
        assertThatThrownBy(() -> PipelineRun.stream(pipeline, crashing, outputs, metrics).apply("shard-0", batch, 0))
                .isInstanceOf(StateStoreException.class);
        // The retry judges the record by its timestamp (ts + L < W: late), as a record an earlier attempt may have
        // judged either way; its item shows it was not written, so it goes to the late output, once.
        PipelineRun.stream(pipeline, newStore(), outputs, metrics).apply("shard-0", batch, 0);
        finishAll(run, store, pipeline);

        assertThat(outputs.lateRecords()).extracting(LateRecord::timestamp).containsExactly(29 * MINUTE);
        assertAccounted(3);
    }

    /**
     * An attempt decides a candidate counts (stored, under the round claim), then dies before writing it; other
     * shards move far ahead and rounds run before the retry, the dying shard already silent for longer than the
     * idleness timeout. The retry writes the record as decided, without judging it again: no round may have fired its
     * session meanwhile. What guarantees it is the global watermark, which a split with an unfinished attempt holds
     * at its stored watermark (never idle), at or below the watermark the candidate was judged at: without that
     * rule c-1's [10:00, 40:00) fires without the record and the retry's write is lost (or fires twice).
     */
    @Test
    void candidateDecidedToCount_thenItsAttemptDiedBeforeWriting_isCountedOnce_thoughRoundsRanBeforeTheRetry() {
        CompiledPipeline pipeline = CompiledPipeline.compile(Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5))
                        .withIdleness(Duration.ofMinutes(1)))
                .keyBy("category", Order::category)
                .window(SessionWindows.withGap(Duration.ofMinutes(30)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("sessions-lateness")));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        run.apply("shard-0", Lines.of(1, order("c-1", 10 * MINUTE), order("c-9", 30 * MINUTE + 35_000)), 0);
        run.apply("shard-1", Lines.of(1, order("c-8", 30 * MINUTE + 35_000)), 0);
        assertThat(run.fire(0)).isEqualTo(30 * MINUTE + 30_000);

        AtomicInteger paneWrites = new AtomicInteger();
        StateStore dying = ExactlyOnceScenariosContractTest.before(newStore(), "writePartial", args -> {
            if (((Partial) args[0]).key().slot().start() > Long.MIN_VALUE + 16       // a pane, not the decisions
                    && paneWrites.getAndIncrement() == 0) {
                throw new StateStoreException("injected crash at the first pane write");
            }
        });
        Lines batch = Lines.of(3, order("c-1", 29 * MINUTE));                   // joins the open [10:00, 40:00)
        assertThatThrownBy(() -> PipelineRun.stream(pipeline, dying, outputs, metrics).apply("shard-0", batch, 0))
                .isInstanceOf(StateStoreException.class);
        assertThat(paneWrites.get()).as("died at its first pane write, decisions stored").isEqualTo(1);

        // shard-1 runs on to 45:00; shard-0 has been silent for two minutes.
        PipelineRun other = PipelineRun.stream(pipeline, newStore(), outputs, metrics);
        other.apply("shard-1", Lines.of(2, order("c-8", 45 * MINUTE + 5_000)), 2 * MINUTE);
        long during = other.fire(2 * MINUTE);
        assertThat(rows()).as("fired while shard-0's attempt was unfinished, at " + during)
                .noneMatch(r -> r.key().equals("c-1"));

        PipelineRun.stream(pipeline, newStore(), outputs, metrics).apply("shard-0", batch, 3 * MINUTE);   // the retry
        finishAll(run, store, pipeline);

        assertThat(outputs.lateRecords()).isEmpty();
        assertThat(rows()).extracting(ResultRow::key, ResultRow::windowStart, ResultRow::windowEnd, r -> count(r))
                .containsExactly(
                        tuple("c-1", 10 * MINUTE, 59 * MINUTE, 2L),
                        tuple("c-8", 30 * MINUTE + 35_000, 75 * MINUTE + 5_000, 2L),
                        tuple("c-9", 30 * MINUTE + 35_000, 60 * MINUTE + 35_000, 1L));
        assertAccounted(5);
    }

    @Test
    void streamEqualsBatch_overTheRecordsThatAreNotLate() {
        CompiledPipeline pipeline = sessions(Duration.ofMinutes(2));
        StateStore store = newStore();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics);
        Random random = new Random(18);
        List<Order> all = new ArrayList<>();
        long arrival = 1_605_024_000_000L;
        long seq = 1;
        List<Order> behind = new ArrayList<>();
        for (int b = 0; b < 40; b++) {
            List<Order> batch = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                arrival += random.nextInt(20_000);
                // One in four far beyond the 5 s disorder bound: behind the watermark by up to 5 minutes.
                long ts = random.nextInt(4) == 0 ? arrival - random.nextInt(300_000) : arrival - random.nextInt(5_000);
                batch.add(new Order("o-" + all.size(), "u-1", "c-" + random.nextInt(3), 1 + random.nextInt(100), ts));
                all.add(batch.get(batch.size() - 1));
            }
            String shard = "shard-" + random.nextInt(2);
            long published = store.publishedWatermark(pipeline.name());
            batch.stream().filter(o -> o.ts() < published).forEach(behind::add);   // late by the timestamp rule
            run.apply(shard, Lines.of(seq, batch.toArray(Order[]::new)), 0);
            seq += batch.size();
            run.fire(0);
        }
        finishAll(run, store, pipeline);
        Set<String> late = new HashSet<>();
        outputs.lateRecords().forEach(l -> late.add(l.record()));
        List<Order> onTime = all.stream().filter(o -> !late.contains(o.toJson())).toList();

        CollectingOutputs batchOutputs = Outputs.collecting();
        PipelineRun job = PipelineRun.batch(pipeline, new InMemoryStateStore(), batchOutputs, new RunMetrics());
        job.register(List.of("task-0"));
        job.apply("task-0", Lines.of(1, onTime.toArray(Order[]::new)), 0);
        job.finish("task-0", 0);
        job.fire(0);

        assertThat(late).as("the scenario has late records").isNotEmpty();
        assertThat(behind.stream().filter(o -> !late.contains(o.toJson())).count())
                .as("and records behind the watermark that count").isPositive();
        assertThat(batchOutputs.lateRecords()).isEmpty();
        assertThat(sorted(batchOutputs.finalResults())).isEqualTo(sorted(rows()));
        assertAccounted(all.size());
    }

    private static List<String> sorted(List<ResultRow> rows) {
        return rows.stream().sorted(Comparator.comparing(ResultRow::key).thenComparingLong(ResultRow::windowStart))
                .map(r -> r.key() + " [" + r.windowStart() + "," + r.windowEnd() + ") " + r.value()).toList();
    }

    private void finishAll(PipelineRun run, StateStore store, CompiledPipeline pipeline) {
        for (SplitState s : store.splits(pipeline.name())) {
            run.finish(s.split(), 0);
        }
        run.fire(0);
    }

    private List<ResultRow> rows() {
        return outputs.finalResults().stream()
                .sorted(Comparator.comparing(ResultRow::key).thenComparingLong(ResultRow::windowStart)).toList();
    }

    private static long count(ResultRow row) {
        return ((CountAndSum) row.value()).count();
    }

    private void assertAccounted(long records) {
        long counted = rows().stream().mapToLong(SessionLatenessContractTest::count).sum();
        assertThat(counted + outputs.lateRecords().size() + outputs.rejectedRecords().size()).isEqualTo(records);
    }
}
