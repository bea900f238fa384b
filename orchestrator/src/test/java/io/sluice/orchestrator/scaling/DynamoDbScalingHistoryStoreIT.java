package io.sluice.orchestrator.scaling;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.dynamodb.StateTables;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The scaler's history in a coordination table on the local engine: round trip, versions, one history per stream. */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbScalingHistoryStoreIT {
    private static final Instant T0 = Instant.parse("2026-11-11T00:00:00Z");

    @Test
    void savedHistory_isWhatANewInstanceLoads(LocalAws aws) {
        try (DynamoDbClient dynamo = aws.dynamoDb()) {
            String table = table(dynamo);
            ScalingHistory history = ScalingHistory.empty()
                    .record(new ScalingPlan(T0, 4, 7.5, List.of(new ScalingDecision.UpdateShardCount(8)), "spike"))
                    .record(new ScalingPlan(T0.plusSeconds(60), 8, 6.25, List.of(), "hold"))
                    .updateShardCountRefused(T0.plusSeconds(61), KinesisLimits.UPDATE_SHARD_COUNT_CALLS_PER_24H);
            DynamoDbScalingHistoryStore first = new DynamoDbScalingHistoryStore(dynamo, table, "orders");
            assertThat(first.load()).isEqualTo(ScalingHistory.empty());

            assertThat(first.save(history)).isTrue();

            ScalingHistory loaded = new DynamoDbScalingHistoryStore(dynamo, table, "orders").load();
            assertThat(loaded).isEqualTo(history);
            assertThat(loaded.lastScaleOut()).isEqualTo(T0);
            assertThat(loaded.updateShardCountCallsSince24h(T0.plusSeconds(120))).isEqualTo(KinesisLimits.UPDATE_SHARD_COUNT_CALLS_PER_24H);
            assertThat(loaded.maxDemandWithin(T0.plusSeconds(120), java.time.Duration.ofMinutes(5))).isEqualTo(7.5);
            assertThat(new DynamoDbScalingHistoryStore(dynamo, table, "refunds").load()).isEqualTo(ScalingHistory.empty());
        }
    }

    @Test
    void save_isRefused_whenAnotherStoreSavedSinceThisOneLoaded(LocalAws aws) {
        try (DynamoDbClient dynamo = aws.dynamoDb()) {
            String table = table(dynamo);
            DynamoDbScalingHistoryStore a = new DynamoDbScalingHistoryStore(dynamo, table, "orders");
            DynamoDbScalingHistoryStore b = new DynamoDbScalingHistoryStore(dynamo, table, "orders");
            ScalingHistory fromA = ScalingHistory.empty().record(new ScalingPlan(T0, 2, 3, List.of(new ScalingDecision.UpdateShardCount(3)), "a"));
            ScalingHistory fromB = ScalingHistory.empty().record(new ScalingPlan(T0, 2, 0.2, List.of(), "b"));
            a.load();
            b.load();

            assertThat(a.save(fromA)).isTrue();
            assertThat(b.save(fromB)).as("b loaded before a saved").isFalse();
            assertThat(b.load()).isEqualTo(fromA);
            assertThat(b.save(fromB)).as("after reloading").isTrue();
            assertThat(a.save(fromA)).as("a's version is stale now").isFalse();
            assertThat(new DynamoDbScalingHistoryStore(dynamo, table, "orders").load()).isEqualTo(fromB);
        }
    }

    private static String table(DynamoDbClient dynamo) {
        String table = "history-" + UUID.randomUUID();
        StateTables.create(dynamo, table);
        return table;
    }
}
