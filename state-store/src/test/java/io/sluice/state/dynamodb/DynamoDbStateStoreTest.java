package io.sluice.state.dynamodb;

import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateEntry;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only the DynamoDB store promises: item layout, TTL, write sharding, pagination, metering. */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbStateStoreTest {

    private static final String STATE = "dynamo-state";
    private static final String COORDINATION = "dynamo-coordination";
    private static final Slot MINUTE = new Slot(0, 60_000);
    private static final Instant NOW = Instant.parse("2026-11-11T00:00:00Z");
    private static DynamoDbClient dynamo;

    private final String pipeline = "p-" + UUID.randomUUID();

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

    private static DynamoDbStateStoreBuilder builder() {
        return DynamoDbStateStore.builder().withClient(dynamo).withStateTable(STATE).withCoordinationTable(COORDINATION);
    }

    private static Partial partial(PartialKey key, int accumulatorBytes) {
        byte[] acc = new byte[accumulatorBytes];
        new Random(key.bucket()).nextBytes(acc);
        return new Partial(key, Fence.of("1"), List.of(new StateEntry("c-" + key.bucket(), 0, 60_000, acc)));
    }

    private List<Map<String, AttributeValue>> items(String table) {
        return dynamo.scanPaginator(b -> b.tableName(table)).items().stream()
                .filter(item -> item.get(StateTables.PK).s().startsWith(pipeline + "#")).toList();
    }

    @Test
    void publishedWatermark_hasNoTtl_soItOutlivesEveryWindowsState() {
        DynamoDbStateStore store = builder().build();
        store.publishWatermark(pipeline, 120_000);
        store.startAttempt(pipeline, "shard-0", Fence.of("5"), 1, 16);

        List<Map<String, AttributeValue>> coordination = items(COORDINATION);
        assertThat(coordination).filteredOn(i -> i.containsKey(StateTables.FIRED_WATERMARK)).singleElement()
                .satisfies(i -> assertThat(i).doesNotContainKey(StateTables.TTL));
        assertThat(coordination).filteredOn(i -> i.containsKey(StateTables.ATTEMPT_FENCE)).singleElement()
                .satisfies(i -> assertThat(i).containsKey(StateTables.TTL));
    }

    @Test
    void create_isIdempotent_andEnablesTtl() {
        StateTables.create(dynamo, STATE);

        assertThat(dynamo.describeTimeToLive(b -> b.tableName(STATE)).timeToLiveDescription())
                .satisfies(ttl -> {
                    assertThat(ttl.attributeName()).isEqualTo("ttl");
                    assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
                });
    }

    @Test
    void everyItem_carriesTtlOfNowPlusRetention() {
        var store = builder().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).withRetention(Duration.ofDays(2)).build();

        store.writePartial(partial(new PartialKey(pipeline, MINUTE, "shard-0", 1), 10), Fence.NONE);
        store.registerSlot(pipeline, MINUTE);
        store.registerSlot(pipeline, new Slot(60_000, 120_000));
        store.claimFiring(pipeline, MINUTE, "a", 0, 1_000);
        store.completeFiring(pipeline, MINUTE, "a");
        store.advanceSplit(SplitState.pending(pipeline, "shard-0", 0, List.of()));
        store.advanceFiredWatermark(pipeline, 60_000);

        List<Map<String, AttributeValue>> all = new ArrayList<>(items(STATE));
        all.addAll(items(COORDINATION));
        assertThat(all).hasSize(5).allSatisfy(item -> assertThat(item.get("ttl").n())
                .isEqualTo(Long.toString(NOW.plus(Duration.ofDays(2)).getEpochSecond())));
    }

    @Test
    void partialsOfOneWindow_spreadOverAllWindowBuckets() {
        var store = builder().withWindowBuckets(4).build();

        for (int bucket = 0; bucket < 16; bucket++) {
            store.writePartial(partial(new PartialKey(pipeline, MINUTE, "shardId-00000000000" + bucket % 2, bucket), 8),
                    Fence.NONE);
        }

        Set<String> partitionKeys = items(STATE).stream().map(i -> i.get(StateTables.PK).s()).collect(Collectors.toSet());
        assertThat(partitionKeys).containsExactlyInAnyOrder(
                pipeline + "#0_60000#0", pipeline + "#0_60000#1", pipeline + "#0_60000#2", pipeline + "#0_60000#3");
        assertThat(store.readSlot(pipeline, MINUTE)).hasSize(16);
    }

    @Test
    void readSlot_followsLastEvaluatedKey_overManyPages() {
        var store = builder().withWindowBuckets(2).withQueryPageSize(3).build();
        for (int bucket = 0; bucket < 20; bucket++) {
            store.writePartial(partial(new PartialKey(pipeline, MINUTE, "shard-0", bucket), 8), Fence.NONE);
        }
        CapacityUsage before = store.capacity();

        assertThat(store.readSlot(pipeline, MINUTE)).hasSize(20);
        assertThat(store.capacity().minus(before).calls().get("Query")).isGreaterThanOrEqualTo(20 / 3 + 1);
    }

    @Test
    void readSlot_followsLastEvaluatedKey_pastOneMegabytePages() {
        var store = builder().withWindowBuckets(1).build();
        for (int bucket = 0; bucket < 12; bucket++) {
            store.writePartial(partial(new PartialKey(pipeline, MINUTE, "shard-0", bucket), 100 * 1024), Fence.NONE);
        }
        CapacityUsage before = store.capacity();

        assertThat(store.readSlot(pipeline, MINUTE)).hasSize(12);
        CapacityUsage read = store.capacity().minus(before);
        assertThat(read.calls().get("Query")).as("1.2 MB in one partition key: at least two 1 MB pages").isGreaterThanOrEqualTo(2);
        assertThat(read.estimatedReadUnits()).isGreaterThanOrEqualTo(12 * 100 / 4);
    }

    @Test
    void capacity_countsCallsByApi_andEstimatesUnitsFromItemSize() {
        var store = builder().build();
        PartialKey key = new PartialKey(pipeline, MINUTE, "shard-0", 0);

        store.writePartial(partial(key, 3_000), Fence.NONE);
        assertThatThrownBy(() -> store.writePartial(partial(key, 3_000), Fence.NONE));
        store.readPartial(key);

        CapacityUsage used = store.capacity();
        assertThat(used.calls()).containsEntry("PutItem", 2L).containsEntry("GetItem", 1L);
        assertThat(used.estimatedWriteUnits()).as("two 3.2 KB writes, the failed one billed too").isEqualTo(8.0);
        assertThat(used.estimatedReadUnits()).isEqualTo(1.0);
        assertThat(used.writeUnits()).as("reported by the engine").isPositive();
        assertThat(used.readUnits()).isPositive();
    }

    @Test
    void writePartial_keepsItemsOfTypicalGmvBucketsUnderOneKilobyte() {
        var store = builder().build();
        List<StateEntry> entries = new ArrayList<>();
        for (int category = 0; category < 25; category++) {
            entries.add(new StateEntry("c-" + category, 0, 60_000, new byte[16]));
        }
        store.writePartial(new Partial(new PartialKey(pipeline, MINUTE, "shardId-000000000000", 0),
                Fence.of("49590338271490256608559692538361571095921575989136588898"), entries), Fence.NONE);

        assertThat(ItemSizes.itemSize(items(STATE).get(0))).isLessThan(1024);
    }

    @Test
    void registerSlot_writesOncePerInstance() {
        var store = builder().build();

        store.registerSlot(pipeline, MINUTE);
        store.registerSlot(pipeline, MINUTE);
        store.registerSlot(pipeline, new Slot(60_000, 120_000));

        assertThat(store.capacity().calls()).containsEntry("UpdateItem", 2L);
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).hasSize(2);
    }

    @Test
    void pendingSlots_readsOnlyUnfiredSlots_however_manyWereFired() {
        var store = builder().build();
        for (int minute = 0; minute < 30; minute++) {
            Slot slot = new Slot(minute * 60_000L, (minute + 1) * 60_000L);
            store.registerSlot(pipeline, slot);
            if (minute < 29) {
                store.claimFiring(pipeline, slot, "firer", 0, 60_000);
                store.completeFiring(pipeline, slot, "firer");
            }
        }
        CapacityUsage before = store.capacity();

        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactly(new Slot(29 * 60_000L, 30 * 60_000L));
        assertThat(items(COORDINATION).stream().filter(i -> i.get(StateTables.PK).s().equals(pipeline + "#slots")))
                .hasSize(1);
        assertThat(store.capacity().minus(before).estimatedReadUnits()).isEqualTo(1.0);
    }

    @Test
    void claimFiring_removesAFiredSlotThatARacingRegistrationPutBack() {
        var store = builder().build();
        store.registerSlot(pipeline, MINUTE);
        store.claimFiring(pipeline, MINUTE, "firer", 0, 60_000);
        store.completeFiring(pipeline, MINUTE, "firer");
        // What a registration that read "not fired" just before the completion would write.
        dynamo.putItem(b -> b.tableName(COORDINATION).item(Map.of(
                StateTables.PK, AttributeValue.fromS(pipeline + "#slots"),
                StateTables.SK, AttributeValue.fromS(Keys.slotSk(MINUTE)),
                StateTables.STATUS, AttributeValue.fromS("PENDING"))));
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactly(MINUTE);

        assertThat(store.claimFiring(pipeline, MINUTE, "late-firer", 1_000_000, 60_000)).isFalse();

        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).isEmpty();
    }
}
