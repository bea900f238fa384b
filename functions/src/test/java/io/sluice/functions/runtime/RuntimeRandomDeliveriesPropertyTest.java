package io.sluice.functions.runtime;

import io.sluice.state.memory.InMemoryStateStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random delivery sequences ({@link RuntimeRandomDeliveries}) through the runtime on the in-memory store: the
 * final rows equal the rows computed straight from the orders. {@link DynamoDbRuntimeRandomDeliveriesTest} runs
 * seeds on DynamoDB.
 */
class RuntimeRandomDeliveriesPropertyTest {

    @Property(tries = 40)
    void randomDeliveries_produceTheReferenceRows(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int maxBatch) {
        RuntimeRandomDeliveries deliveries = new RuntimeRandomDeliveries(seed, 300, false);
        InMemoryStateStore store = new InMemoryStateStore();

        assertThat(RuntimeRandomDeliveries.csv(deliveries.run(() -> store, maxBatch))).isEqualTo(deliveries.reference());
    }

    /**
     * Known runtime gap, kept as a reproducer: a {@link SplitProcessor} trusts its cached split state, so an
     * instance that processed a shard earlier and gets it again after another instance moved on (Lambda does not
     * pin shards to instances) re-runs acknowledged records through the window assigner. Item fences keep the
     * rows right (40 tries pass with the late check off), but replayed records are reported as late, and the
     * stale watermark and fence are written back to the split, so a handler computing the global watermark from
     * the store sees it go backwards. Re-reading the split state at the start of each invocation (one strongly
     * consistent read per batch) would close it.
     */
    @org.junit.jupiter.api.Disabled("runtime: SplitProcessor's cached split state goes stale across instances; see javadoc")
    @Property(tries = 40)
    void randomDeliveriesToStaleInstances_produceTheReferenceRows_andNoLateRecords(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 60) int maxBatch) {
        RuntimeRandomDeliveries deliveries = new RuntimeRandomDeliveries(seed, 300, true);
        InMemoryStateStore store = new InMemoryStateStore();

        assertThat(RuntimeRandomDeliveries.csv(deliveries.run(() -> store, maxBatch))).isEqualTo(deliveries.reference());
    }
}
