package io.sluice.orchestrator.scaling;

import io.sluice.state.coordination.ShardLoadReport;
import io.sluice.state.coordination.ShardLoadTable;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.dynamodb.StateTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The deployed scaler's view of the operator's reports: rates, key samples, and idle versus unknown shards. */
@ExtendWith(LocalAwsExtension.class)
class TableShardMetricsIT {
    private static final Instant MINUTE = Instant.parse("2026-11-11T00:01:00Z");
    private static final Instant TICK = MINUTE.plusSeconds(65);

    private DynamoDbClient dynamo;
    private ShardLoadTable loads;
    private final AtomicReference<StreamTopology> topology = new AtomicReference<>(topology(3));
    private TableShardMetrics source;

    @BeforeEach
    void createTable(LocalAws aws) {
        dynamo = aws.dynamoDb();
        String table = "metrics-" + UUID.randomUUID();
        StateTables.create(dynamo, table);
        loads = new ShardLoadTable(dynamo, table, "gmv-by-category");
        source = new TableShardMetrics(topology::get, loads, "orders");
    }

    @AfterEach
    void close() {
        dynamo.close();
    }

    @Test
    void collect_turnsTheLastCompleteMinuteIntoRates_withTheSampledKeysShareOfThem() {
        loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(10), Shards.id(0), 30_000, 15_000_000, 4_000, Map.of()));
        loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(50), Shards.id(0), 30_000, 15_000_000, 800,
                Map.of("c-hot", 24_000L, "c-7", 600L)));
        loads.add("orders", new ShardLoadReport(TICK, Shards.id(0), 99_999, 0, 0, Map.of()));   // the running minute
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(1), 60, 30_000, 0, Map.of()));
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(2), 60, 30_000, 0, Map.of()));

        StreamMetrics m = source.collect(TICK);

        assertThat(m.fullyReported()).isTrue();
        ShardMetrics hot = m.shards().get(0);
        assertThat(hot.recordsPerSecond()).isCloseTo(1_000, within(1e-9));
        assertThat(hot.bytesPerSecond()).isCloseTo(500_000, within(1e-9));
        assertThat(hot.iteratorAgeMillis()).isEqualTo(800);
        // 24,000 of the last batch's 30,000 records: 80% of 1,000 records/s
        assertThat(hot.keyLoads()).contains(KeyLoad.ofPartitionKey("c-hot", 800));
        assertThat(m.shards().get(1).recordsPerSecond()).isCloseTo(1, within(1e-9));
    }

    @Test
    void silentShard_isUnknownAtFirst_thenIdleOnceReportsFlowAndItWasOpenBefore() {
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(0), 600, 300_000, 0, Map.of()));
        loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(60), Shards.id(0), 600, 300_000, 0, Map.of()));

        StreamMetrics first = source.collect(TICK);
        StreamMetrics second = source.collect(TICK.plusSeconds(60));

        assertThat(first.shards()).extracting(ShardMetrics::reported).containsExactly(true, false, false);
        assertThat(second.shards()).extracting(ShardMetrics::reported).containsExactly(true, true, true);
        assertThat(second.shards().get(2).recordsPerSecond()).isZero();
    }

    @Test
    void silentShards_stayUnknown_whenNoShardReported_orWhenTheyAreNew() {
        source.collect(TICK);   // every shard was open before the next collections
        StreamMetrics nobody = source.collect(TICK.plusSeconds(60));
        topology.set(topology(4));
        loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(120), Shards.id(0), 600, 300_000, 0, Map.of()));
        StreamMetrics newShard = source.collect(TICK.plusSeconds(120));

        assertThat(nobody.shards()).noneMatch(ShardMetrics::reported);
        assertThat(newShard.shards()).extracting(ShardMetrics::reported).containsExactly(true, true, true, false);
    }

    @Test
    void childrenOfASplit_whileTheConsumerStillDrainsTheParent_stayUnknown_soThePolicyNeverMergesThemBack() {
        // Shard 1 (1,400 records/s wanted, 1,000 taken) was split into shards 3 and 4; the consumer, 5 minutes behind,
        // still reads the parent at 1,000/s, so the children (700/s each) get no reads and no reports.
        HashKeyRange upper = HashKeyRange.uniform(1, 2);
        java.math.BigInteger mid = upper.midpoint();
        topology.set(new StreamTopology("orders", true, List.of(
                new StreamTopology.OpenShard(Shards.id(0), HashKeyRange.uniform(0, 2)),
                new StreamTopology.OpenShard(Shards.id(3), HashKeyRange.of(upper.start(), mid.subtract(java.math.BigInteger.ONE)), List.of(Shards.id(1))),
                new StreamTopology.OpenShard(Shards.id(4), HashKeyRange.of(mid, upper.end()), List.of(Shards.id(1))))));
        for (int minute = 0; minute < 2; minute++) {
            loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(60L * minute), Shards.id(0), 18_000, 9_000_000, 200, Map.of()));
            loads.add("orders", new ShardLoadReport(MINUTE.plusSeconds(60L * minute), Shards.id(1), 60_000, 30_000_000, 300_000, Map.of()));
        }

        source.collect(TICK);
        StreamMetrics second = source.collect(TICK.plusSeconds(60));

        assertThat(second.shards()).extracting(ShardMetrics::reported).containsExactly(true, false, false);
        assertThat(ScalingPolicy.targetUtilization(0.75).decide(second, ScalingHistory.empty()).decisions()).isEmpty();
    }

    @Test
    void shardAtItsWriteLimitForTheWholeMinute_readsAsRefusedAsMuchAgain_soThePolicyDoublesTheStream() {
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(0), 58_800, 6_000_000, 0, Map.of()));    // 980/s: saturated
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(1), 540, 60_000_000, 0, Map.of()));      // 1 MB/s: saturated
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(2), 54_000, 5_400_000, 0, Map.of()));    // 900/s: busy, not saturated

        StreamMetrics m = source.collect(TICK);

        assertThat(m.shards()).extracting(ShardMetrics::throttledRecordsPerSecond).containsExactly(980.0, 9.0, 0.0);
        ScalingPlan plan = ScalingPolicy.targetUtilization(0.75).decide(m, ScalingHistory.empty());
        assertThat(plan.decisions()).containsExactly(new ScalingDecision.UpdateShardCount(6));
    }

    @Test
    void consumerCatchingUp_isNotTakenForSaturatedWrites() {
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(0), 90_000, 9_000_000, 45_000, Map.of()));   // 1,500/s, 45 s behind
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(1), 60, 6_000, 0, Map.of()));
        loads.add("orders", new ShardLoadReport(MINUTE, Shards.id(2), 60, 6_000, 0, Map.of()));

        assertThat(source.collect(TICK).shards()).extracting(ShardMetrics::throttledRecordsPerSecond).containsOnly(0.0);
    }

    private static StreamTopology topology(int shards) {
        List<StreamTopology.OpenShard> open = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            open.add(new StreamTopology.OpenShard(Shards.id(i), HashKeyRange.uniform(i, shards)));
        }
        return new StreamTopology("orders", true, open);
    }
}
