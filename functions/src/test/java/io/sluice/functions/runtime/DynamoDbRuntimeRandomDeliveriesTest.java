package io.sluice.functions.runtime;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random delivery sequences through the runtime on DynamoDB (a few seeds: moto_server does about 260 writes/s),
 * each instance a new {@link DynamoDbStateStore}: rows equal the in-memory run and the reference.
 */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbRuntimeRandomDeliveriesTest {

    private static DynamoDbClient dynamo;

    @BeforeAll
    static void connect(LocalAws aws) {
        dynamo = aws.dynamoDb();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @ParameterizedTest(name = "seed {0}, batches up to {1}")
    @CsvSource({"1,10", "2,40", "3,25"})
    void randomDeliveries_produceTheInMemoryRows(long seed, int maxBatch) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        StateTables.create(dynamo, "random-state-" + suffix);
        StateTables.create(dynamo, "random-coordination-" + suffix);
        RuntimeRandomDeliveries deliveries = new RuntimeRandomDeliveries(seed, 300, false);

        var rows = deliveries.run(() -> DynamoDbStateStore.builder().withClient(dynamo)
                .withStateTable("random-state-" + suffix).withCoordinationTable("random-coordination-" + suffix)
                .withWindowBuckets(2).build(), maxBatch);

        InMemoryStateStore memory = new InMemoryStateStore();
        var inMemory = new RuntimeRandomDeliveries(seed, 300, false).run(() -> memory, maxBatch);
        assertThat(RuntimeRandomDeliveries.csv(rows)).isEqualTo(RuntimeRandomDeliveries.csv(inMemory))
                .isEqualTo(deliveries.reference());
        assertThat(deliveries.crashes).as("crashes injected").isPositive();
        assertThat(deliveries.instances).as("instances").isGreaterThan(4);
    }
}
