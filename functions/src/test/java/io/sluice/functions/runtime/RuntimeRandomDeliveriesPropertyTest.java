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
     * An instance that processed a shard earlier and gets it again after another instance moved on (Lambda does
     * not pin shards to instances) must not replay acknowledged records (they would be reported late) nor write its
     * old watermark and fence back: {@link SplitProcessor} reads the split's state at the start of every invocation.
     */
    @Property(tries = 40)
    void randomDeliveriesToStaleInstances_produceTheReferenceRows_andNoLateRecords(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 60) int maxBatch) {
        RuntimeRandomDeliveries deliveries = new RuntimeRandomDeliveries(seed, 300, true);
        InMemoryStateStore store = new InMemoryStateStore();

        assertThat(RuntimeRandomDeliveries.csv(deliveries.run(() -> store, maxBatch))).isEqualTo(deliveries.reference());
    }
}
