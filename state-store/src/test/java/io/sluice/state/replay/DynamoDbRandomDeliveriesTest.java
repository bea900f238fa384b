package io.sluice.state.replay;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.dynamodb.CrashingDynamoClient;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The random delivery sequences of {@link RandomDeliveriesPropertyTest} on DynamoDB, a few seeds (moto_server does
 * about 260 writes/s), each instance a new {@link DynamoDbStateStore} on the same tables.
 */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbRandomDeliveriesTest {

    private static final String STATE = "random-state";
    private static final String COORDINATION = "random-coordination";
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void createTables(LocalAws aws) {
        dynamo = aws.dynamoDb();
        StateTables.create(dynamo, STATE);
        StateTables.create(dynamo, COORDINATION);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @ParameterizedTest(name = "seed {0}, batches up to {1}")
    @CsvSource({"1,5", "2,20", "3,12", "4,30"})
    void randomDeliveries_produceTheRowsOfTheInMemoryRun(long seed, int maxBatch) {
        List<Order> orders = Order.generate(200, seed, ExactlyOnceContractTest.T0, 240_000, 9, 2);
        String pipeline = "gmv-" + UUID.randomUUID();

        RandomDeliveries deliveries = new RandomDeliveries(() -> DynamoDbStateStore.builder().withClient(dynamo)
                .withStateTable(STATE).withCoordinationTable(COORDINATION).withWindowBuckets(3).build(),
                pipeline, orders, seed);
        GmvFirer.Sink sink = deliveries.run(maxBatch);

        InMemoryStateStore memory = new InMemoryStateStore();
        GmvFirer.Sink inMemory = new RandomDeliveries(() -> memory, "gmv", orders, seed).run(maxBatch);
        assertThat(sink.csv()).isEqualTo(inMemory.csv()).isEqualTo(GmvFirer.reference(orders));
        assertThat(deliveries.crashes()).as("crashes injected").isPositive();
        assertThat(deliveries.instances()).as("instances").isGreaterThan(3);
    }

    /**
     * The same sequences with partials over one item (a 512-byte item limit and 5,000 categories, so most partials
     * are chunked) and, besides the crashes between partial writes, a failure at random chunk and head writes:
     * redeliveries, bisected retries, stale warm caches and the reshard must still give the reference rows.
     */
    @ParameterizedTest(name = "seed {0}, batches up to {1}")
    @CsvSource({"6,25"})
    void randomDeliveries_ofChunkedPartials_withFailuresBetweenChunkWrites_produceTheReferenceRows(long seed,
                                                                                                  int maxBatch) {
        List<Order> orders = Order.generate(400, seed, ExactlyOnceContractTest.T0, 60_000, 5_000, 2);
        String pipeline = "gmv-" + UUID.randomUUID();
        int[] instance = {0};
        List<CrashingDynamoClient> clients = new java.util.ArrayList<>();

        RandomDeliveries deliveries = new RandomDeliveries(() -> {
            CrashingDynamoClient client = new CrashingDynamoClient(dynamo)
                    .failRandomly(seed * 1_000 + instance[0]++, 0.03, STATE);
            clients.add(client);
            return DynamoDbStateStore.builder().withClient(client.client()).withStateTable(STATE)
                    .withCoordinationTable(COORDINATION).withWindowBuckets(3).withItemLimit(512).build();
        }, pipeline, orders, seed);
        GmvFirer.Sink sink = deliveries.run(maxBatch);

        assertThat(sink.csv()).isEqualTo(GmvFirer.reference(orders));
        assertThat(clients.stream().mapToInt(CrashingDynamoClient::failures).sum()).as("chunk-level failures")
                .isPositive();
        assertThat(dynamo.scanPaginator(b -> b.tableName(STATE)).items().stream()
                .filter(i -> i.get(StateTables.PK).s().startsWith(pipeline + "#"))
                .filter(i -> i.containsKey(StateTables.MANIFEST)).count()).as("chunked heads").isPositive();
    }
}
