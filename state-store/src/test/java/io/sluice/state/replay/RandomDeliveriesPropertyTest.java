package io.sluice.state.replay;

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
 * Random delivery sequences (duplicates, crash points, retries of other sizes, resumes from reported failures,
 * stale warm instances, a split into child shards, firings mid-stream) over generated orders: the final rows equal
 * the rows computed straight from the orders. In memory here; {@link DynamoDbRandomDeliveriesTest} runs seeds on
 * DynamoDB.
 */
class RandomDeliveriesPropertyTest {

    @ParameterizedTest(name = "[{index}] seed {0}, batches up to {1}")
    @MethodSource("seedsAndBatchSizes")
    void randomDeliveries_produceTheReferenceRowsExactlyOnce(long seed, int maxBatch) {
        List<Order> orders = Order.generate(250, seed, ExactlyOnceContractTest.T0, 240_000, 9, 2);
        InMemoryStateStore store = new InMemoryStateStore();

        GmvFirer.Sink sink = new RandomDeliveries(() -> store, "gmv", orders, seed).run(maxBatch);

        assertThat(sink.csv()).isEqualTo(GmvFirer.reference(orders));
        assertThat(sink.writesPerWindow().values()).allSatisfy(n -> assertThat(n).hasValue(1));
    }

    /**
     * 60 cases: the edge batch sizes 1, 2, 29 and 30 each with the seeds 0, 1, -1, {@link Long#MIN_VALUE} and
     * {@link Long#MAX_VALUE}, then seeds and sizes in [1, 30] drawn from a fixed seed.
     */
    static Stream<Arguments> seedsAndBatchSizes() {
        List<Arguments> cases = new ArrayList<>();
        for (int maxBatch : new int[] {1, 2, 29, 30}) {
            for (long seed : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
                cases.add(Arguments.of(seed, maxBatch));
            }
        }
        Random random = new Random(60);
        while (cases.size() < 60) {
            cases.add(Arguments.of(random.nextLong(), 1 + random.nextInt(30)));
        }
        return cases.stream();
    }
}
