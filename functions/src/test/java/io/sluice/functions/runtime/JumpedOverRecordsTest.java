package io.sluice.functions.runtime;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.runtime.ReplayHarness.OrderBatch;
import io.sluice.state.Fence;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Records the operator jumped over: the event source mapping gave up on a batch whose every attempt the state table
 * refused at its first write, so no attempt was recorded, and the split's next batch starts past it. Those records
 * belong to the on-failure replay ({@code OnFailureReplay}), which applies them in a split of its own. A later
 * redelivery from before them (at-least-once) must apply none of them, on whichever path its writes take: in the
 * simulator (seed 5614, gmv-session) a new instance's conflict path re-applied them from the item's older fence.
 */
class JumpedOverRecordsTest {

    private static final long T0 = 1_605_052_800_000L;   // 2020-11-11T00:00:00Z, a minute boundary
    private static final CompiledPipeline PIPELINE = CompiledPipeline.compile(GmvPipelines.byCategory(16));
    private static final String SHARD = "shardId-000000000000";

    private static final Order O45 = new Order("o-45", "u-1", "c-1", 100, T0 + 1_000);
    private static final Order JUMPED = new Order("o-71", "u-1", "c-1", 2_000, T0 + 2_000);
    private static final Order O72 = new Order("o-72", "u-1", "c-3", 30_000, T0 + 3_000);
    private static final Order O73 = new Order("o-73", "u-1", "c-1", 400_000, T0 + 4_000);

    @Test
    void aRedeliveryFromBeforeTheJump_onANewInstance_appliesNoneOfTheJumpedRecords() {
        assertThat(CompiledPipeline.bucketOf("c-1", 16)).as("c-1 and c-3 in different items")
                .isNotEqualTo(CompiledPipeline.bucketOf("c-3", 16));
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingOutputs outputs = new CollectingOutputs();

        processor(store, outputs).process(batch(O45), 0);          // c-1's item at fence 45
        SplitProcessor next = processor(store, outputs);          // [o-71] given up on, no attempt recorded
        next.process(batch(O72), 0);                              // the split's fence jumps to 72
        next.process(batch(O45, JUMPED, O72, O73), 0);            // redelivered: c-1's item is not in its cache

        assertThat(rows(store, outputs, next)).containsExactly(tuple("c-1", 2L, 400_100L), tuple("c-3", 1L, 30_000L));
    }

    @Test
    void aRedeliveryFromBeforeTheJump_onTheSameInstance_appliesNoneOfTheJumpedRecords() {
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingOutputs outputs = new CollectingOutputs();

        SplitProcessor same = processor(store, outputs);
        same.process(batch(O45), 0);
        same.process(batch(O72), 0);
        same.process(batch(O45, JUMPED, O72, O73), 0);

        assertThat(rows(store, outputs, same)).containsExactly(tuple("c-1", 2L, 400_100L), tuple("c-3", 1L, 30_000L));
    }

    private static List<org.assertj.core.groups.Tuple> rows(InMemoryStateStore store, CollectingOutputs outputs,
                                                            SplitProcessor processor) {
        processor.finish(0);
        PipelineRun.stream(PIPELINE, store, outputs, new RunMetrics()).withOwnerPrefix("final").fire(0);
        return outputs.finalResults().stream()
                .map(r -> tuple(r.key(), ((CountAndSum) r.value()).count(), ((CountAndSum) r.value()).sum()))
                .toList();
    }

    private static SplitProcessor processor(InMemoryStateStore store, CollectingOutputs outputs) {
        return new SplitProcessor(PIPELINE, store, SHARD, outputs, new RunMetrics(), SplitProcessor.Mode.STREAM);
    }

    /** Orders at their own sequence numbers: o-45 at 45. */
    private static OrderBatch batch(Order... orders) {
        List<Fence> fences = java.util.Arrays.stream(orders)
                .map(o -> Fence.of(o.orderId().substring(2))).toList();
        return new OrderBatch(List.of(orders), fences);
    }
}
