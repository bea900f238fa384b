package io.sluice.state.dynamodb;

import io.sluice.state.StateStore;
import io.sluice.state.StateStoreContractTest;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The shared contract against DynamoDB, served by the localstack module's engine (moto_server here). */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbStateStoreContractTest extends StateStoreContractTest {

    static final String STATE_TABLE = "contract-state";
    static final String COORDINATION_TABLE = "contract-coordination";
    private static DynamoDbClient dynamo;
    private static String engine;

    @BeforeAll
    static void createTables(LocalAws aws) {
        dynamo = aws.dynamoDb();
        engine = aws.kind();
        StateTables.create(dynamo, STATE_TABLE);
        StateTables.create(dynamo, COORDINATION_TABLE);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    /** moto_server (the emulators) races; LocalStack and AWS apply conditions atomically. */
    @Override
    protected boolean atomicUnderConcurrency() {
        return !"emulators".equals(engine);
    }

    @Override
    protected StateStore newStore() {
        // A new store per call, like a new Lambda instance: nothing shared but the tables.
        return DynamoDbStateStore.builder()
                .withClient(dynamo)
                .withStateTable(STATE_TABLE)
                .withCoordinationTable(COORDINATION_TABLE)
                .withWindowBuckets(4)
                .build();
    }
}
