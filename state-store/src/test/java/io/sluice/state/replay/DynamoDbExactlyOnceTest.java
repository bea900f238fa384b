package io.sluice.state.replay;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.StateStore;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Exactly-once scenarios on DynamoDB (moto_server here); every {@link #newStore()} is a new instance. */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbExactlyOnceTest extends ExactlyOnceContractTest {

    private static final String STATE = "replay-state";
    private static final String COORDINATION = "replay-coordination";
    private static DynamoDbClient dynamo;
    private static String engine;

    @BeforeAll
    static void createTables(LocalAws aws) {
        dynamo = aws.dynamoDb();
        engine = aws.kind();
        StateTables.create(dynamo, STATE);
        StateTables.create(dynamo, COORDINATION);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @Override
    protected boolean atomicUnderConcurrency() {
        return !"emulators".equals(engine);
    }

    @Override
    protected StateStore newStore() {
        return DynamoDbStateStore.builder().withClient(dynamo).withStateTable(STATE).withCoordinationTable(COORDINATION)
                .withWindowBuckets(4).build();
    }
}
