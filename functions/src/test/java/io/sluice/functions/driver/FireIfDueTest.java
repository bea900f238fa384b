package io.sluice.functions.driver;

import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.state.StateStore;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PipelineRun#fireIfDue}: after a batch, a driver that bounds the global watermark by the split it just applied
 * reads only the window index when no window can be due, and otherwise fires exactly what {@link PipelineRun#fire}
 * fires.
 */
class FireIfDueTest {

    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory());

    private final AtomicInteger splitReads = new AtomicInteger();
    private final CollectingOutputs outputs = Outputs.collecting();
    private final PipelineRun run = PipelineRun.stream(GMV, counting(new InMemoryStateStore()), outputs,
            new RunMetrics());

    @Test
    void aBatchThatMakesNoWindowDue_readsTheIndexOnly_notTheSplits() {
        run.apply("shard-0", Lines.orders(1, 10_000, 20_000), 0);

        long watermark = run.fireIfDue(0, run.processor("shard-0").globalWatermarkAtMost());

        assertThat(watermark).isEqualTo(Long.MIN_VALUE);
        assertThat(splitReads).hasValue(0);
        assertThat(outputs.finalResults()).isEmpty();
    }

    @Test
    void aBatchThatPassesAWindowsEnd_firesIt() {
        run.apply("shard-0", Lines.orders(1, 10_000, 70_000), 0);

        long watermark = run.fireIfDue(0, run.processor("shard-0").globalWatermarkAtMost());

        assertThat(watermark).isEqualTo(65_000);   // 70 s less the 5 s disorder bound
        assertThat(outputs.finalResults()).singleElement()
                .satisfies(row -> assertThat(row.windowStart()).isZero());
    }

    @Test
    void aShardBehind_holdsTheWindowBack_andTheBatchReadsTheSplitsToFindOut() {
        run.apply("shard-1", Lines.orders(1, 10_000), 0);
        run.apply("shard-0", Lines.orders(1, 70_000), 0);

        long watermark = run.fireIfDue(0, run.processor("shard-0").globalWatermarkAtMost());

        assertThat(watermark).isEqualTo(5_000);
        assertThat(splitReads).hasValue(1);
        assertThat(outputs.finalResults()).isEmpty();
    }

    @Test
    void randomBatchesOverThreeShards_fireAndJudgeLateExactlyAsFireDoes_readingTheSplitsLessOften() {
        for (long seed = 1; seed <= 30; seed++) {
            AtomicInteger fireReads = new AtomicInteger();
            CollectingOutputs fireOutputs = Outputs.collecting();
            PipelineRun firing = PipelineRun.stream(GMV, counting(new InMemoryStateStore(), fireReads), fireOutputs,
                    new RunMetrics());
            splitReads.set(0);
            CollectingOutputs dueOutputs = Outputs.collecting();
            PipelineRun due = PipelineRun.stream(GMV, counting(new InMemoryStateStore(), splitReads), dueOutputs,
                    new RunMetrics());
            Random random = new Random(seed);
            long[] next = new long[3];
            long[] tip = new long[3];
            for (int step = 0; step < 60; step++) {
                int s = random.nextInt(3);
                long[] timestamps = new long[1 + random.nextInt(4)];
                for (int i = 0; i < timestamps.length; i++) {
                    tip[s] += random.nextInt(8_000);
                    // now and then a record up to a minute behind its shard: late or not, as the firings decide
                    timestamps[i] = random.nextInt(10) == 0 ? Math.max(0, tip[s] - random.nextInt(60_000)) : tip[s];
                }
                Lines batch = Lines.orders(next[s] + 1, timestamps);
                next[s] += timestamps.length;
                String shard = "shard-" + s;
                long now = step * 1_000L;
                firing.apply(shard, batch, now);
                firing.fire(now);
                due.apply(shard, batch, now);
                due.fireIfDue(now, due.processor(shard).globalWatermarkAtMost());

                assertThat(dueOutputs.finalResults()).as("seed %d step %d", seed, step)
                        .isEqualTo(fireOutputs.finalResults());
                assertThat(dueOutputs.lateRecords()).as("seed %d step %d", seed, step)
                        .isEqualTo(fireOutputs.lateRecords());
            }
            assertThat(splitReads.get()).as("seed %d", seed).isLessThan(fireReads.get());
        }
    }

    private StateStore counting(StateStore delegate) {
        return counting(delegate, splitReads);
    }

    /** {@code delegate}, counting its {@code splits} calls in {@code reads}. */
    private static StateStore counting(StateStore delegate, AtomicInteger reads) {
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("splits")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
