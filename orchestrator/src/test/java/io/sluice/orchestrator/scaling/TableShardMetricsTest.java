package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.state.coordination.ShardLoadTable.MinuteLoad;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Which silent shards the deployed scaler takes for idle (issue 17, case 13), against scripted reports: a shard is
 * idle only when it is known to be read and quiet. The same on the local DynamoDB: {@code TableShardMetricsIT}.
 */
class TableShardMetricsTest {
    private static final Instant TICK = Instant.parse("2026-11-11T00:02:05Z");
    private static final HashKeyRange LOWER = HashKeyRange.uniform(0, 2);
    private static final HashKeyRange UPPER = HashKeyRange.uniform(1, 2);
    private static final String Q = Shards.id(0);
    private static final String PARENT = Shards.id(1);
    private static final String CHILD_1 = Shards.id(2);
    private static final String CHILD_2 = Shards.id(3);

    /** Reports of the minute being read, by shard id. */
    private final Map<String, MinuteLoad> minute = new HashMap<>();
    private final AtomicReference<StreamTopology> topology = new AtomicReference<>(afterTheSplit());
    private final TableShardMetrics source = new TableShardMetrics(topology::get, (stream, ids, at) -> {
        Map<String, MinuteLoad> out = new HashMap<>(minute);
        out.keySet().retainAll(ids);
        return out;
    }, "orders");

    @Test
    void childrenOfASplit_whileTheConsumerStillDrainsTheParent_areUnknown_andNeverMergedBack() {
        // The parent took 1,000 of the 1,400 records/s its producers wanted, and was split; its children now take
        // 700/s each, but the consumer is 5 minutes behind on the parent, so the children get no reads yet.
        report(Q, 300, 200);
        report(PARENT, 1_000, 300_000);

        StreamMetrics first = source.collect(TICK);
        StreamMetrics second = source.collect(TICK.plus(Duration.ofMinutes(1)));

        assertThat(first.shards()).extracting(ShardMetrics::reported).containsExactly(true, false, false);
        assertThat(second.shards()).extracting(ShardMetrics::reported).containsExactly(true, false, false);
        ScalingPlan plan = ScalingPolicy.targetUtilization(0.75).decide(second, ScalingHistory.empty());
        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.reason()).contains("metrics incomplete");
    }

    @Test
    void childrenOfASplit_onceTheParentIsDrained_andTheyReport_areReadAsBusy() {
        report(Q, 300, 200);
        report(PARENT, 1_000, 300_000);
        source.collect(TICK);
        minute.remove(PARENT);
        report(CHILD_1, 700, 240_000);
        report(CHILD_2, 700, 240_000);

        StreamMetrics drained = source.collect(TICK.plus(Duration.ofMinutes(1)));

        assertThat(drained.fullyReported()).isTrue();
        assertThat(ScalingPolicy.targetUtilization(0.75).decide(drained, ScalingHistory.empty()).decisions())
                .noneMatch(d -> d instanceof ScalingDecision.Merge);
    }

    @Test
    void childNeverSeen_whoseParentWasBehindAtItsLastReport_staysUnknown() {
        report(Q, 300, 200);
        report(PARENT, 1_000, 300_000);
        source.collect(TICK);
        minute.remove(PARENT);   // the drain may have ended, or the parent's consumer may have stopped: no evidence

        StreamMetrics m = source.collect(TICK.plus(Duration.ofMinutes(1)));

        assertThat(m.shards()).extracting(ShardMetrics::reported).containsExactly(true, false, false);
    }

    @Test
    void shardWhoseConsumerWasBehind_andThenFallsSilent_isUnknown_notIdle() {
        topology.set(twoRoots());
        report(Q, 300, 200);
        report(PARENT, 150, 120_000);   // throttled consumer: 2 minutes behind
        source.collect(TICK);
        minute.remove(PARENT);

        StreamMetrics silent = source.collect(TICK.plus(Duration.ofMinutes(1)));

        assertThat(silent.shards()).extracting(ShardMetrics::reported).containsExactly(true, false);
    }

    @Test
    void shardLastSeenAtItsTip_thatFallsSilent_isIdle() {
        topology.set(twoRoots());
        report(Q, 300, 200);
        report(PARENT, 5, 300);
        source.collect(TICK);
        minute.remove(PARENT);

        StreamMetrics quiet = source.collect(TICK.plus(Duration.ofMinutes(1)));

        assertThat(quiet.fullyReported()).isTrue();
        assertThat(quiet.shards().get(1).recordsPerSecond()).isZero();
    }

    @Test
    void childOfAParentDrainedBeforeAColdStart_isIdle_onceItWasOpenAtTheLastCollection() {
        report(Q, 300, 200);   // nobody remembers the parent: it reported nothing in the minute

        source.collect(TICK);
        StreamMetrics second = source.collect(TICK.plus(Duration.ofMinutes(1)));

        assertThat(second.fullyReported()).isTrue();
    }

    private void report(String shard, long perSecond, long ageMillis) {
        minute.put(shard, new MinuteLoad(shard, perSecond * 60, perSecond * 60 * 500, 60, ageMillis, Map.of(), 0));
    }

    /** Shard 0 on the lower half; shard 1, the upper half, split at 3/4 into shards 2 and 3. */
    private static StreamTopology afterTheSplit() {
        BigInteger mid = UPPER.start().add(UPPER.size().shiftRight(1));
        return new StreamTopology("orders", true, List.of(
                new StreamTopology.OpenShard(Q, LOWER),
                new StreamTopology.OpenShard(CHILD_1, HashKeyRange.of(UPPER.start(), mid.subtract(BigInteger.ONE)), List.of(PARENT)),
                new StreamTopology.OpenShard(CHILD_2, HashKeyRange.of(mid, UPPER.end()), List.of(PARENT))));
    }

    private static StreamTopology twoRoots() {
        return new StreamTopology("orders", true, List.of(new StreamTopology.OpenShard(Q, LOWER), new StreamTopology.OpenShard(PARENT, UPPER)));
    }
}
