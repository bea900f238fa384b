package io.sluice.functions.driver;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The ten ways issue 11 found to lose, double or stall records, each replayed through {@link PipelineRun} on a real
 * store (in memory, and DynamoDB on the local engine): every record ends in exactly one of results, late output and
 * dead letters, and nothing waits for a record that will not come. Each of these failed before the fix it names.
 */
abstract class ExactlyOnceScenariosContractTest {

    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory());
    private static final Duration IDLENESS = Duration.ofMinutes(1);
    private static final CompiledPipeline GMV_IDLE = CompiledPipeline.compile(Pipeline.from(Source.jsonLines(Order.class))
            .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)).withIdleness(IDLENESS))
            .keyBy("category", Order::category)
            .window(TumblingWindows.of(Duration.ofMinutes(1)))
            .aggregate(Aggregates.countAndSum(Order::amount))
            .to(Sink.results("gmv-idle").withValueColumns("count", "sum_cents")));

    private final CollectingOutputs outputs = Outputs.collecting();
    private final RunMetrics metrics = new RunMetrics();

    /** A new store on the same tables: a new Lambda instance. */
    protected abstract StateStore newStore();

    private PipelineRun stream(CompiledPipeline pipeline, StateStore store) {
        return PipelineRun.stream(pipeline, store, outputs, metrics);
    }

    // Case 1: a child shard registered at watermark MIN after a window fired judged its record on time and wrote it
    // into the fired window: in neither the results nor the late output.
    @Test
    void reshard_lateRecordOnAChildShard_goesToTheLateOutput() {
        StateStore store = newStore();
        PipelineRun run = stream(GMV, store);
        run.apply("shard-0", Lines.orders(1, 10_000, 300_000), 0);
        run.fire(0);
        assertThat(rows()).extracting(ResultRow::windowStart).containsExactly(0L);

        store.createSplit(SplitState.pending(GMV.name(), "shard-2", 0, List.of("shard-0")));
        store.createSplit(SplitState.pending(GMV.name(), "shard-3", 0, List.of("shard-0")));
        run.finish("shard-0", 0);
        run.apply("shard-2", Lines.orders(1, 30_000), 0);
        finishAll(run, store, GMV, 0);

        assertThat(outputs.lateRecords()).extracting(l -> l.timestamp()).containsExactly(30_000L);
        assertAccounted(3);
    }

    // Case 2: an idle shard's batch started while it still counted as active; another instance fired without it,
    // and the batch then wrote into the fired window.
    @Test
    void idleShardWakingUp_whileAnotherInstanceFires_neverWritesIntoAFiredWindow() {
        StateStore store = newStore();
        PipelineRun run = stream(GMV_IDLE, store);
        run.apply("shard-1", Lines.orders(1, 10_000), 0);
        run.apply("shard-0", Lines.orders(1, 300_000), 40_000);
        AtomicBoolean fired = new AtomicBoolean();
        StateStore racing = before(store, "writePartial", () -> {
            if (fired.compareAndSet(false, true)) {
                stream(GMV_IDLE, newStore()).fire(100_000);   // within the idleness of the batch's start
            }
        });

        stream(GMV_IDLE, racing).apply("shard-1", Lines.orders(2, 20_000), 50_000);
        finishAll(run, store, GMV_IDLE, 50_000);

        assertThat(fired).isTrue();
        assertAccounted(3);
        assertThat(outputs.lateRecords()).isEmpty();
        assertThat(rows()).extracting(r -> ((CountAndSum) r.value()).count()).containsExactly(2L, 1L);
    }

    // Case 3: a slow attempt's unconditional progress write moved the shard's watermark back (295 s to 95 s).
    @Test
    void overlappingAttempts_neverMoveAShardsProgressBack() {
        StateStore store = newStore();
        AtomicBoolean overtaken = new AtomicBoolean();
        StateStore slow = before(store, "advanceSplit", () -> {
            if (overtaken.compareAndSet(false, true)) {
                stream(GMV, newStore()).apply("shard-0", Lines.orders(1, 100_000, 300_000), 0);
            }
        });

        stream(GMV, slow).apply("shard-0", Lines.orders(1, 100_000), 0);

        SplitState stored = store.readSplit(GMV.name(), "shard-0").orElseThrow();
        assertThat(stored.watermarkMillis()).isEqualTo(295_000);
        assertThat(stored.fence().sequenceNumber()).isEqualTo("2");
    }

    // Case 3: a slow attempt turned a FINISHED batch task back into ACTIVE at MIN: the job then fired nothing.
    @Test
    void overlappingAttempts_neverReopenAFinishedTask() {
        StateStore store = newStore();
        PipelineRun job = PipelineRun.batch(GMV, store, outputs, metrics);
        AtomicBoolean overtaken = new AtomicBoolean();
        StateStore slow = before(store, "advanceSplit", () -> {
            if (overtaken.compareAndSet(false, true)) {
                PipelineRun other = PipelineRun.batch(GMV, newStore(), outputs, metrics);
                other.apply("task-1", Lines.orders(1, 10_000, 20_000), 0);
                other.finish("task-1", 0);
            }
        });

        PipelineRun.batch(GMV, slow, outputs, metrics).apply("task-1", Lines.orders(1, 10_000), 0);
        job.fire(0);

        assertThat(store.readSplit(GMV.name(), "task-1").orElseThrow().status()).isEqualTo(SplitStatus.FINISHED);
        assertThat(rows()).extracting(r -> ((CountAndSum) r.value()).count()).containsExactly(2L);
    }

    // Case 4: a crash after the partials, before the progress; the bisected retry's second half was judged against
    // the watermark its first half raised, and a record already counted also went to the late output.
    @Test
    void crashThenBisectedRetry_neverCountsARecordTwice() {
        StateStore store = newStore();
        stream(GMV, store).apply("shard-0", Lines.orders(1, 55_000), 0);
        Lines batch = Lines.orders(2, 100_000, 100_000, 100_000, 52_000, 100_000, 100_000);
        StateStore crashing = before(store, "advanceSplit", () -> {
            throw new StateStoreException("injected crash before the progress write");
        });
        assertThatThrownBy(() -> stream(GMV, crashing).apply("shard-0", batch, 0))
                .hasMessageContaining("injected crash");

        PipelineRun retry = stream(GMV, newStore());
        retry.apply("shard-0", batch.slice(0, 3), 0);
        retry.fire(0);
        retry.apply("shard-0", batch.slice(3, 6), 0);
        finishAll(retry, store, GMV, 0);

        assertThat(outputs.lateRecords()).isEmpty();
        assertAccounted(7);
    }

    // Case 6: a window whose total overflowed at firing aborted the firing loop; no later window ever fired.
    @Test
    void windowThatCannotFire_isReported_andLaterWindowsFire() {
        StateStore store = newStore();
        PipelineRun run = stream(GMV, store);
        long half = Long.MAX_VALUE / 2 + 1;
        run.apply("shard-0", Lines.of(1, new Order("o-1", "u", "c-1", half, 10_000),
                new Order("o-2", "u", "c-1", 100, 70_000), new Order("o-4", "u", "c-2", 7, 15_000)), 0);
        run.apply("shard-1", Lines.of(1, new Order("o-3", "u", "c-1", half, 20_000)), 0);
        run.finish("shard-0", 0);
        run.finish("shard-1", 0);
        run.fire(0);
        run.fire(0);

        assertThat(rows()).extracting(r -> r.windowStart() + " " + r.key())
                .containsExactly("0 c-2", "60000 c-1");
        assertThat(outputs.rejectedRecords()).singleElement()
                .satisfies(r -> assertThat(r.reason()).startsWith("window cannot fire"))
                .satisfies(r -> assertThat(r.position()).isEqualTo("window=[0,60000) key=[c-1]"));
        assertThat(metrics.windowsFailed()).isEqualTo(1);
        assertThat(store.pendingSlots(GMV.name(), Long.MAX_VALUE)).isEmpty();
        // The metric template.yaml's WindowsFailedAlarm watches.
        var out = new java.io.ByteArrayOutputStream();
        new EmfMetrics("Sluice", GMV.name(), "operator", new java.io.PrintStream(out, true, StandardCharsets.UTF_8))
                .emit(metrics, 0, -1, 0, 0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"WindowsFailed\":1");
    }

    // Case 7: one overflowing record failed its whole batch.
    @Test
    void overflowingRecord_isRejectedByItself() {
        StateStore store = newStore();
        PipelineRun run = stream(GMV, store);
        run.apply("shard-0", Lines.of(1, new Order("o-1", "u", "c-1", Long.MAX_VALUE - 10, 10_000),
                new Order("o-2", "u", "c-2", 7, 11_000), new Order("o-3", "u", "c-1", 100, 12_000),
                new Order("o-4", "u", "c-1", 5, 13_000)), 0);
        finishAll(run, store, GMV, 0);

        assertThat(outputs.rejectedRecords()).singleElement()
                .satisfies(r -> assertThat(r.position()).isEqualTo("seq=3"))
                .satisfies(r -> assertThat(r.reason()).contains("aggregate overflow"));
        assertThat(rows()).extracting(r -> ((CountAndSum) r.value()).count()).containsExactly(2L, 1L);
        assertAccounted(4);
    }

    // Case 8: one far-future timestamp moved its shard's watermark to the future; every later record was late.
    @Test
    void farFutureTimestamp_isRejected_andLeavesTheWatermarkAlone() {
        StateStore store = newStore();
        PipelineRun run = stream(GMV, store);
        long year2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        run.apply("shard-0", Lines.orders(1, 10_000, year2100, 70_000), 0);
        run.apply("shard-0", Lines.orders(4, 65_000, 80_000), 0);
        finishAll(run, store, GMV, 0);

        assertThat(outputs.rejectedRecords()).singleElement()
                .satisfies(r -> assertThat(r.reason()).endsWith("ms ahead of the wall clock"));
        assertThat(outputs.lateRecords()).isEmpty();
        assertAccounted(5);
    }

    // Case 9: a sliding-window pipeline and ts = Long.MIN_VALUE walked ~10^15 windows.
    @Test
    void slidingWindows_atTheEndsOfTheLongRange_endQuickly() {
        PipelineDefinition<CountAndSum> sliding = Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ZERO)
                        .withTimestampBounds(Instant.ofEpochMilli(Long.MIN_VALUE), Duration.ofMillis(Long.MAX_VALUE)))
                .keyBy("category", Order::category)
                .window(SlidingWindows.of(Duration.ofMinutes(1), Duration.ofSeconds(10)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("sliding").withValueColumns("count", "sum_cents"));
        StateStore store = newStore();
        PipelineRun run = stream(CompiledPipeline.compile(sliding), store);

        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                run.apply("shard-0", Lines.orders(1, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE), 0));

        assertThat(metrics.recordsIn()).isEqualTo(3);
    }

    // Case 9, default bounds: Long.MIN_VALUE is a dead letter, not a window.
    @Test
    void minimumTimestamp_isRejectedByDefault() {
        StateStore store = newStore();
        PipelineRun run = stream(GMV, store);
        run.apply("shard-0", Lines.orders(1, Long.MIN_VALUE, 10_000), 0);
        finishAll(run, store, GMV, 0);

        assertThat(outputs.rejectedRecords()).hasSize(1);
        assertAccounted(2);
    }

    // Case 10: a child shard that received nothing held the global watermark at MIN for an hour of traffic.
    @Test
    void childShardThatReceivesNothing_isIdle_andWindowsFire() {
        StateStore store = newStore();
        PipelineRun run = stream(GMV_IDLE, store);
        run.apply("shard-0", Lines.orders(1, 10_000), 0);
        store.createSplit(SplitState.pending(GMV_IDLE.name(), "shard-1", 20_000, List.of("shard-0")));
        store.createSplit(SplitState.pending(GMV_IDLE.name(), "shard-2", 20_000, List.of("shard-0")));
        run.finish("shard-0", 20_000);
        for (long t = 30_000; t <= 300_000; t += 30_000) {
            run.apply("shard-1", Lines.orders(t, t), t);
            run.fire(t);
        }

        assertThat(rows()).extracting(ResultRow::windowStart).contains(0L, 60_000L, 120_000L, 180_000L);
    }

    // Quiet stream: the scheduled firer closes the last windows without a new record.
    @Test
    void quietStream_windowsCloseByIdleness() {
        StateStore store = newStore();
        PipelineRun run = stream(GMV_IDLE, store);
        run.apply("shard-0", Lines.orders(1, 10_000, 50_000), 50_000);
        run.fire(50_000);
        assertThat(rows()).isEmpty();

        stream(GMV_IDLE, newStore()).fire(50_000 + IDLENESS.toMillis() + 60_000);

        assertThat(rows()).extracting(r -> ((CountAndSum) r.value()).count()).containsExactly(2L);
    }

    private void finishAll(PipelineRun run, StateStore store, CompiledPipeline pipeline, long now) {
        for (SplitState s : store.splits(pipeline.name())) {
            run.finish(s.split(), now);
        }
        run.fire(now);
    }

    private List<ResultRow> rows() {
        return outputs.finalResults();
    }

    /** Every record is in exactly one place: counted in a final row, late, or a dead letter. */
    private void assertAccounted(long records) {
        long counted = rows().stream().mapToLong(r -> ((CountAndSum) r.value()).count()).sum();
        assertThat(counted + outputs.lateRecords().size() + outputs.rejectedRecords().size())
                .as("counted %d + late %d + dead letters %d", counted, outputs.lateRecords().size(),
                        outputs.rejectedRecords().size())
                .isEqualTo(records);
    }

    /** {@code store}, running {@code hook} before each call of {@code method}. */
    static StateStore before(StateStore store, String method, Runnable hook) {
        return before(store, method, args -> hook.run());
    }

    /** As {@link #before(StateStore, String, Runnable)}, the hook given the call's arguments. */
    static StateStore before(StateStore store, String method, java.util.function.Consumer<Object[]> hook) {
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, called, args) -> {
                    if (called.getName().equals(method + "s") && called.isDefault()) {
                        // A batch (writePartials) is its single calls here, so the hook runs before one of them.
                        return InvocationHandler.invokeDefault(proxy, called, args);
                    }
                    if (called.getName().equals(method)) {
                        hook.accept(args);
                    }
                    try {
                        return called.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
