package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Three simulated days of random, bursty load through the policy, decisions applied at once: the shard
 * count never leaves its bounds and UpdateShardCount never exceeds its Kinesis limits, however the load moves.
 */
class ScalingPolicyLimitsTest {

    @Test
    void randomLoadForThreeDays_neverBreaksTheBoundsNorTheUpdateShardCountLimits() {
        Random random = new Random(1111);
        ScalingPolicy policy = ScalingPolicy.targetUtilization(0.75).withShardBounds(2, 64).withScaleOutCooldown(Duration.ZERO);
        Instant t = Instant.parse("2026-11-09T00:00:00Z");
        ScalingHistory history = ScalingHistory.empty();
        List<Instant> calls = new ArrayList<>();
        List<ShardMetrics> shards = Shards.uniform(2, 0);
        double total = 1_000;
        for (int minute = 0; minute < 3 * 24 * 60; minute++, t = t.plusSeconds(60)) {
            total = random.nextInt(50) == 0 ? random.nextDouble() * 200_000 : Math.max(0, total * (0.8 + random.nextDouble() * 0.4));
            shards = withLoad(shards, total);
            ScalingPlan plan = policy.decide(StreamMetrics.active(t, shards), history);
            history = history.record(plan);
            for (ScalingDecision d : plan.decisions()) {
                if (d instanceof ScalingDecision.UpdateShardCount u) {
                    int n = shards.size();
                    assertThat(u.targetShardCount()).isBetween((n + 1) / 2, 2 * n);
                    calls.add(t);
                    Instant now = t;
                    assertThat(calls.stream().filter(c -> c.isAfter(now.minus(Duration.ofHours(24))))).hasSizeLessThanOrEqualTo(10);
                }
            }
            shards = apply(shards, plan.decisions());
            assertThat(shards.size()).as("minute " + minute + ": " + plan).isBetween(2, 64);
        }
        assertThat(calls).isNotEmpty();
    }

    private static List<ShardMetrics> withLoad(List<ShardMetrics> shards, double total) {
        List<ShardMetrics> out = new ArrayList<>();
        for (ShardMetrics s : shards) {
            out.add(Shards.shard(index(s), s.range(), total * s.range().fraction()));
        }
        return out;
    }

    private static List<ShardMetrics> apply(List<ShardMetrics> shards, List<ScalingDecision> decisions) {
        List<ShardMetrics> out = new ArrayList<>(shards);
        int next = out.stream().mapToInt(ScalingPolicyLimitsTest::index).max().orElse(0) + 1;
        for (ScalingDecision d : decisions) {
            if (d instanceof ScalingDecision.UpdateShardCount u) {
                out.clear();
                for (int i = 0; i < u.targetShardCount(); i++) {
                    out.add(Shards.shard(next++, HashKeyRange.uniform(i, u.targetShardCount()), 0));
                }
            } else if (d instanceof ScalingDecision.Split s) {
                ShardMetrics p = find(out, s.shardId());
                out.remove(p);
                out.add(Shards.shard(next++, HashKeyRange.of(p.range().start(), s.newStartingHashKey().subtract(java.math.BigInteger.ONE)), 0));
                out.add(Shards.shard(next++, HashKeyRange.of(s.newStartingHashKey(), p.range().end()), 0));
            } else if (d instanceof ScalingDecision.Merge m) {
                ShardMetrics a = find(out, m.shardId());
                ShardMetrics b = find(out, m.adjacentShardId());
                assertThat(a.range().isFollowedBy(b.range())).isTrue();
                out.remove(a);
                out.remove(b);
                out.add(Shards.shard(next++, HashKeyRange.of(a.range().start(), b.range().end()), 0));
            }
        }
        return out;
    }

    private static ShardMetrics find(List<ShardMetrics> shards, String id) {
        return shards.stream().filter(s -> s.shardId().equals(id)).findFirst().orElseThrow();
    }

    private static int index(ShardMetrics s) {
        return Integer.parseInt(s.shardId().substring("shardId-".length()));
    }
}
