package io.sluice.functions.runtime;

import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random delivery sequences ({@link RuntimeRandomDeliveries}) through the runtime on the in-memory store: the
 * final rows equal the rows computed straight from the orders. {@link DynamoDbRuntimeRandomDeliveriesTest} runs
 * seeds on DynamoDB.
 */
class RuntimeRandomDeliveriesPropertyTest {

    @ParameterizedTest(name = "[{index}] seed {0}, batches up to {1}")
    @MethodSource("seedsAndBatchSizes")
    void randomDeliveries_produceTheReferenceRows(long seed, int maxBatch) {
        RuntimeRandomDeliveries deliveries = new RuntimeRandomDeliveries(seed, 300, false);
        InMemoryStateStore store = new InMemoryStateStore();

        assertThat(RuntimeRandomDeliveries.csv(deliveries.run(() -> store, maxBatch))).isEqualTo(deliveries.reference());
    }

    /**
     * An instance that processed a shard earlier and gets it again after another instance moved on (Lambda does
     * not pin shards to instances) must not replay acknowledged records (they would be reported late) nor write its
     * old watermark and fence back: {@link SplitProcessor} reads the split's state at the start of every invocation.
     */
    @ParameterizedTest(name = "[{index}] seed {0}, batches up to {1}")
    @MethodSource("seedsAndBatchSizes")
    void randomDeliveriesToStaleInstances_produceTheReferenceRows_andNoLateRecords(long seed, int maxBatch) {
        RuntimeRandomDeliveries deliveries = new RuntimeRandomDeliveries(seed, 300, true);
        InMemoryStateStore store = new InMemoryStateStore();

        assertThat(RuntimeRandomDeliveries.csv(deliveries.run(() -> store, maxBatch))).isEqualTo(deliveries.reference());
    }

    /**
     * 40 cases: the edge batch sizes 1, 2, 59 and 60 each with the seeds 0, 1, -1, {@link Long#MIN_VALUE} and
     * {@link Long#MAX_VALUE}, then seeds and sizes in [1, 60] drawn from a fixed seed.
     */
    static Stream<Arguments> seedsAndBatchSizes() {
        List<Arguments> cases = new ArrayList<>();
        for (int maxBatch : new int[] {1, 2, 59, 60}) {
            for (long seed : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
                cases.add(Arguments.of(seed, maxBatch));
            }
        }
        Random random = new Random(40);
        while (cases.size() < 40) {
            cases.add(Arguments.of(random.nextLong(), 1 + random.nextInt(60)));
        }
        return cases.stream();
    }
}
