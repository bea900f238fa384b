package io.sluice.state.coordination;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.dynamodb.ItemSizes;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator's per-minute shard load in a coordination table on the local engine. */
@ExtendWith(LocalAwsExtension.class)
class ShardLoadTableTest {
    private static final Instant MINUTE = Instant.parse("2026-11-11T00:01:00Z");

    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void createTable(LocalAws aws) {
        dynamo = aws.dynamoDb();
        table = "load-" + UUID.randomUUID();
        StateTables.create(dynamo, table);
    }

    @AfterEach
    void close() {
        dynamo.close();
    }

    @Test
    void read_sumsTheMinutesBatches_andKeepsTheLatestLagAndKeySample() {
        ShardLoadTable loads = new ShardLoadTable(dynamo, table, "gmv-by-category");
        loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(5), "shardId-000000000000", 1_000, 400_000, 9_000,
                Map.of("c-1", 900L)));
        loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(50), "shardId-000000000000", 500, 200_000, 1_200,
                Map.of("c-2", 300L, "c-3", 100L)));
        loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(61), "shardId-000000000000", 7, 7, 7, Map.of()));  // next minute
        loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(20), "shardId-000000000001", 10, 4_000, 0, Map.of()));

        Map<String, ShardLoadTable.MinuteLoad> read = loads.read("orders",
                List.of("shardId-000000000000", "shardId-000000000001", "shardId-000000000002"), MINUTE.plusSeconds(30));

        assertThat(read).containsOnlyKeys("shardId-000000000000", "shardId-000000000001");
        ShardLoadTable.MinuteLoad hot = read.get("shardId-000000000000");
        assertThat(hot.records()).isEqualTo(1_500);
        assertThat(hot.bytes()).isEqualTo(600_000);
        assertThat(hot.batches()).isEqualTo(2);
        assertThat(hot.iteratorAgeMillis()).isEqualTo(1_200);
        assertThat(hot.hotKeys()).containsOnly(Map.entry(ShardLoadReport.hashKeyOf("c-2"), 300L),
                Map.entry(ShardLoadReport.hashKeyOf("c-3"), 100L));
        assertThat(hot.hotKeysOf()).isEqualTo(500);
        assertThat(read.get("shardId-000000000001").records()).isEqualTo(10);
    }

    @Test
    void pipelinesAndStreams_keepTheirOwnLoad() {
        new ShardLoadTable(dynamo, table, "gmv-by-category").add("orders", report(MINUTE, "shardId-000000000000", 100));
        new ShardLoadTable(dynamo, table, "gmv-total").add("orders", report(MINUTE, "shardId-000000000000", 40));
        new ShardLoadTable(dynamo, table, "gmv-by-category").add("refunds", report(MINUTE, "shardId-000000000000", 3));

        Map<String, ShardLoadTable.MinuteLoad> read = new ShardLoadTable(dynamo, table, "gmv-by-category")
                .read("orders", List.of("shardId-000000000000"), MINUTE);

        assertThat(read.get("shardId-000000000000").records()).isEqualTo(100);
    }

    @Test
    void read_coversMoreShardsThanOneBatchGetTakes() {
        ShardLoadTable loads = new ShardLoadTable(dynamo, table, "gmv-by-category");
        List<String> shards = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            String shard = String.format("shardId-%012d", i);
            shards.add(shard);
            if (i % 10 != 0) {
                loads.add("orders", report(MINUTE, shard, i));
            }
        }

        Map<String, ShardLoadTable.MinuteLoad> read = loads.read("orders", shards, MINUTE);

        assertThat(read).hasSize(207);
        assertThat(read.get("shardId-000000000229").records()).isEqualTo(229);
        assertThat(read).doesNotContainKey("shardId-000000000220");
    }

    @Test
    void items_expireAnHourAfterTheirMinute() {
        new ShardLoadTable(dynamo, table, "gmv-by-category").add("orders", report(MINUTE.plusSeconds(59), "shardId-000000000000", 1));

        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(Map.of(
                "pk", AttributeValue.fromS("load:orders#shardId-000000000000"),
                "sk", AttributeValue.fromS("gmv-by-category#2026-11-11T00:01:00Z")))).item();

        assertThat(item.get("ttl").n()).isEqualTo(Long.toString(MINUTE.plusSeconds(3_600).getEpochSecond()));
    }

    @Test
    void aBatchsLoad_costsOneWriteUnit_evenWithTheLongestNamesAndKeys() {
        String stream = "s".repeat(128);                     // Kinesis's longest stream name
        String shard = "shardId-000000000000";
        Map<String, Long> keys = new java.util.HashMap<>();
        for (int i = 0; i < 5; i++) {
            keys.put("k".repeat(250) + i, 1_000_000_000L);  // 256-character partition keys, 10-digit counts
        }
        ShardLoadTable loads = new ShardLoadTable(dynamo, table, "p".repeat(64));
        loads.add(stream, new ShardLoadReport(MINUTE, shard, Integer.MAX_VALUE, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, keys));
        loads.add(stream, new ShardLoadReport(MINUTE, shard, Integer.MAX_VALUE, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, keys));

        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(Map.of(
                "pk", AttributeValue.fromS("load:" + stream + "#" + shard),
                "sk", AttributeValue.fromS("p".repeat(64) + "#" + MINUTE)))).item();

        assertThat(item.get("Batches").n()).isEqualTo("2");
        assertThat(ItemSizes.itemSize(item)).isLessThan(1_024);
        assertThat(ItemSizes.writeUnits(ItemSizes.itemSize(item))).isEqualTo(1.0);
    }

    @Test
    void add_throws_whenTheTableIsMissing_soTheCallerDecides() {
        ShardLoadTable loads = new ShardLoadTable(dynamo, "no-such-table-" + UUID.randomUUID(), "gmv-by-category");

        assertThatThrownBy(() -> loads.add("orders", report(MINUTE, "shardId-000000000000", 1)))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    private static ShardLoadReport report(Instant at, String shard, long records) {
        return new ShardLoadReport(at, shard, records, records * 100, 0, Map.of());
    }
}
