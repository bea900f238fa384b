package io.sluice.state.replay;

import io.sluice.state.memory.InMemoryStateStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random delivery sequences (duplicates, crash points, retries of other sizes, resumes from reported failures,
 * stale warm instances, a split into child shards, firings mid-stream) over generated orders: the final rows equal
 * the rows computed straight from the orders. In memory here; {@link DynamoDbRandomDeliveriesTest} runs seeds on
 * DynamoDB.
 */
class RandomDeliveriesPropertyTest {

    @Property(tries = 60)
    void randomDeliveries_produceTheReferenceRowsExactlyOnce(@ForAll long seed,
                                                             @ForAll @IntRange(min = 1, max = 30) int maxBatch) {
        List<Order> orders = Order.generate(250, seed, ExactlyOnceContractTest.T0, 240_000, 9, 2);
        InMemoryStateStore store = new InMemoryStateStore();

        GmvFirer.Sink sink = new RandomDeliveries(() -> store, "gmv", orders, seed).run(maxBatch);

        assertThat(sink.csv()).isEqualTo(GmvFirer.reference(orders));
        assertThat(sink.writesPerWindow().values()).allSatisfy(n -> assertThat(n).hasValue(1));
    }
}
