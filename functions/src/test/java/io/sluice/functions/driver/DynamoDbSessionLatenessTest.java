package io.sluice.functions.driver;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.StateStore;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.UUID;

/**
 * Session lateness with {@link DynamoDbStateStore} on the local engine (moto_server here):
 * fresh tables per test (the pipeline name is fixed), a new store per {@link #newStore()} like a new Lambda
 * instance.
 */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbSessionLatenessTest extends SessionLatenessContractTest {

    private static DynamoDbClient dynamo;
    private String stateTable;
    private String coordinationTable;

    @BeforeAll
    static void connect(LocalAws aws) {
        dynamo = aws.dynamoDb();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @BeforeEach
    void createTables() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        stateTable = "lateness-state-" + suffix;
        coordinationTable = "lateness-coordination-" + suffix;
        StateTables.create(dynamo, stateTable);
        StateTables.create(dynamo, coordinationTable);
    }

    @Override
    protected StateStore newStore() {
        return DynamoDbStateStore.builder().withClient(dynamo).withStateTable(stateTable)
                .withCoordinationTable(coordinationTable).withWindowBuckets(4).build();
    }
}
