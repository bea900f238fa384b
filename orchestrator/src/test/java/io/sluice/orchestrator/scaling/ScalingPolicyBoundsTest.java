package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.orchestrator.scaling.ScalingDecision.UpdateShardCount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random streams (seeded, so every run checks the same cases): no decision ever leaves the limits. */
class ScalingPolicyBoundsTest {

    @Test
    void decisionsNeverLeaveTheShardBoundsNorTheUpdateShardCountLimits() {
        Random random = new Random(11);
        for (int trial = 0; trial < 2_000; trial++) {
            int shards = 1 + random.nextInt(64);
            int min = 1 + random.nextInt(16);
            int max = 16 + random.nextInt(85);
            boolean skewed = random.nextBoolean();
            ScalingPolicy policy = ScalingPolicy.targetUtilization(0.5 + random.nextDouble() / 2).withShardBounds(min, max)
                    .withMaxReshardsPerEvaluation(1 + random.nextInt(10));
            List<ShardMetrics> metrics = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                double load = skewed && random.nextInt(8) > 0 ? random.nextDouble() * 100 : random.nextDouble() * 4_000;
                metrics.add(Shards.shard(i, HashKeyRange.uniform(i, shards), load));
            }
            Instant now = Instant.parse("2026-11-11T00:00:00Z").plusSeconds(trial);

            ScalingPlan plan = policy.decide(StreamMetrics.active(now, metrics), ScalingHistory.empty());

            String context = "trial " + trial + ": " + plan;
            assertThat(plan.targetShards()).as(context).isBetween(Math.min(shards, min), Math.max(shards, max));
            assertThat(plan.decisions().size()).as(context).isLessThanOrEqualTo(10);
            for (ScalingDecision d : plan.decisions()) {
                if (d instanceof UpdateShardCount u) {
                    assertThat(plan.decisions()).as(context).hasSize(1);
                    assertThat(u.targetShardCount()).as(context).isBetween((shards + 1) / 2, 2 * shards).isNotEqualTo(shards);
                }
            }
        }
    }
}
