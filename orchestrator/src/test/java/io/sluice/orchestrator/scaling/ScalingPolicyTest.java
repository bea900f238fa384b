package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.orchestrator.scaling.ScalingDecision.Merge;
import io.sluice.orchestrator.scaling.ScalingDecision.Split;
import io.sluice.orchestrator.scaling.ScalingDecision.UpdateShardCount;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {
    private static final Instant T0 = Instant.parse("2026-11-10T12:00:00Z");
    private final ScalingPolicy policy = ScalingPolicy.targetUtilization(0.75).withShardBounds(1, 1_000);

    @Test
    void spike_doublesTheShardCount_whenEveryShardThrottles() {
        StreamMetrics spike = StreamMetrics.active(T0, Shards.uniform(4, 5_000));

        ScalingPlan plan = policy.decide(spike, ScalingHistory.empty());

        // Throttles count as at most twice a shard's capacity (retries inflate them), and one call may at most double.
        assertThat(plan.decisions()).containsExactly(new UpdateShardCount(8));
        assertThat(plan.demandShards()).isCloseTo(10.7, org.assertj.core.data.Offset.offset(0.1));
    }

    @Test
    void spike_holds_whileTheStreamIsStillResharding() {
        ScalingPlan plan = policy.decide(StreamMetrics.updating(T0, Shards.uniform(4, 5_000)), ScalingHistory.empty());

        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.reason()).contains("one resharding at a time");
    }

    @Test
    void spike_waitsForAMetricsWindowWhollyAfterTheResharding_beforeScalingOutAgain() {
        ScalingHistory history = ScalingHistory.empty().record(policy.decide(StreamMetrics.updating(T0, Shards.uniform(4, 5_000)), ScalingHistory.empty()));

        ScalingPlan justActive = policy.decide(StreamMetrics.active(T0.plusSeconds(60), Shards.uniform(8, 2_000)), history);
        ScalingPlan settled = policy.decide(StreamMetrics.active(T0.plusSeconds(120), Shards.uniform(8, 2_000)), history.record(justActive));

        assertThat(justActive.decisions()).isEmpty();
        assertThat(justActive.reason()).contains("settling after resharding");
        assertThat(settled.decisions()).containsExactly(new UpdateShardCount(16));
    }

    @Test
    void spike_splitsInsteadOfUpdateShardCount_whenTheDailyBudgetIsSpent() {
        ScalingHistory spent = ScalingHistory.empty();
        for (int i = 0; i < 10; i++) {
            spent = spent.record(new ScalingPlan(T0.minus(Duration.ofHours(23)).plusSeconds(i), 4, 4,
                    List.of(new UpdateShardCount(5 + (i % 2))), "test"));
        }

        ScalingPlan plan = policy.withMaxReshardsPerEvaluation(3).decide(StreamMetrics.active(T0, Shards.uniform(4, 5_000)), spent);

        assertThat(plan.decisions()).hasSize(3).allMatch(d -> d instanceof Split);
        assertThat(plan.reason()).contains("split");
    }

    @Test
    void budget_isRolling_callsOlderThan24HoursNoLongerCount() {
        ScalingHistory old = ScalingHistory.empty();
        for (int i = 0; i < 10; i++) {
            old = old.record(new ScalingPlan(T0.minus(Duration.ofHours(25)).plusSeconds(i), 4, 4, List.of(new UpdateShardCount(5)), "test"));
        }

        assertThat(old.updateShardCountCallsSince24h(T0)).isZero();
        assertThat(policy.decide(StreamMetrics.active(T0, Shards.uniform(4, 5_000)), old).decisions())
                .containsExactly(new UpdateShardCount(8));
    }

    @Test
    void refusedUpdateShardCount_exhaustsTheBudgetSoTheNextEvaluationSplits() {
        ScalingHistory refused = ScalingHistory.empty().updateShardCountRefused(T0, 10);

        ScalingPlan plan = policy.decide(StreamMetrics.active(T0.plusSeconds(60), Shards.uniform(2, 900)), refused);

        assertThat(plan.decisions()).isNotEmpty().allMatch(d -> d instanceof Split);
    }

    @Test
    void decay_halvesTheShardCount_afterTheCooldownAndWhenTheWholeWindowWasQuiet() {
        ScalingHistory history = ScalingHistory.empty().record(new ScalingPlan(T0, 8, 16, List.of(new UpdateShardCount(16)), "spike"));
        Instant later = T0.plus(Duration.ofMinutes(16));

        ScalingPlan plan = policy.decide(StreamMetrics.active(later, Shards.uniform(16, 50)), history);

        assertThat(plan.decisions()).containsExactly(new UpdateShardCount(8));
    }

    @Test
    void decay_holds_duringTheScaleInCooldown() {
        ScalingHistory history = ScalingHistory.empty().record(new ScalingPlan(T0, 8, 16, List.of(new UpdateShardCount(16)), "spike"));

        ScalingPlan plan = policy.decide(StreamMetrics.active(T0.plus(Duration.ofMinutes(5)), Shards.uniform(16, 50)), history);

        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.reason()).contains("cooldown");
    }

    @Test
    void decay_mergesColdAdjacentPairs_whenFewShardsAreSurplus() {
        List<ShardMetrics> shards = new ArrayList<>(Shards.uniform(4, 100));
        ScalingPlan plan = policy.decide(StreamMetrics.active(T0, shards), ScalingHistory.empty());

        // 400 records/s need one shard; 3 surplus shards but only two disjoint adjacent pairs.
        assertThat(plan.decisions()).containsExactlyInAnyOrder(new Merge(Shards.id(0), Shards.id(1)), new Merge(Shards.id(2), Shards.id(3)));
    }

    @Test
    void decay_keepsTheBudgetReserve_andMergesInstead() {
        ScalingHistory history = ScalingHistory.empty();
        for (int i = 0; i < 8; i++) {
            history = history.record(new ScalingPlan(T0.minus(Duration.ofHours(2)).plusSeconds(i), 32, 32, List.of(new UpdateShardCount(33)), "x"));
        }

        ScalingPlan plan = policy.decide(StreamMetrics.active(T0, Shards.uniform(32, 20)), history);

        assertThat(plan.decisions()).hasSize(10).allMatch(d -> d instanceof Merge);
    }

    @Test
    void oscillatingLoad_scalesOutOnceAndNeverFlaps() {
        ScalingHistory history = ScalingHistory.empty();
        int shards = 4;
        List<Integer> counts = new ArrayList<>();
        for (int minute = 0; minute < 180; minute++) {
            // 3 minutes at 4,000 records/s, 3 minutes at 1,200 records/s, over and over.
            double total = (minute / 3) % 2 == 0 ? 4_000 : 1_200;
            StreamMetrics m = StreamMetrics.active(T0.plus(Duration.ofMinutes(minute)), Shards.uniform(shards, total / shards));
            ScalingPlan plan = policy.decide(m, history);
            history = history.record(plan);
            shards = plan.targetShards();
            counts.add(shards);
        }

        int reversals = 0;
        for (int i = 2; i < counts.size(); i++) {
            int d1 = Integer.signum(counts.get(i - 1) - counts.get(i - 2));
            int d2 = Integer.signum(counts.get(i) - counts.get(i - 1));
            reversals += d1 != 0 && d2 != 0 && d1 != d2 ? 1 : 0;
        }
        // 4,000 records/s need 6 shards at 75 %: one scale-out, then the stabilization window holds them.
        assertThat(reversals).isZero();
        assertThat(counts.stream().distinct()).containsExactly(6);
    }

    @Test
    void hotPartitionKey_splitsAtTheLoadWeightedKey_notAtTheMidpoint() {
        HashKeyRange whole = HashKeyRange.WHOLE;
        String hotKey = hotKeyAbove(whole, 0.7);
        BigInteger hotHash = KeyLoad.hashKeyOf(hotKey);
        ShardMetrics hot = ShardMetrics.of(Shards.id(0), whole, 1_000, 200_000).withThrottledRecordsPerSecond(500)
                .withKeyLoads(List.of(KeyLoad.ofPartitionKey(hotKey, 1_000)));

        ScalingPlan plan = policy.decide(StreamMetrics.active(T0, List.of(hot)), ScalingHistory.empty());

        // 500 records/s uniform + 1,000 on one key: the hot key alone goes to the upper child.
        assertThat(plan.decisions()).containsExactly(new Split(Shards.id(0), hotHash));
        assertThat(hotHash).isNotEqualTo(whole.midpoint());
    }

    @Test
    void hotPartitionKey_splitsInTheUniformStretch_whenTheMedianFallsBeforeIt() {
        HashKeyRange whole = HashKeyRange.WHOLE;
        String key = hotKeyAbove(whole, 0.9);
        ShardMetrics s = ShardMetrics.of(Shards.id(0), whole, 1_000, 200_000).withThrottledRecordsPerSecond(200)
                .withKeyLoads(List.of(KeyLoad.ofPartitionKey(key, 200)));

        Split split = (Split) policy.decide(StreamMetrics.active(T0, List.of(s)), ScalingHistory.empty()).decisions().get(0);

        // 1,000 records/s uniform + 200 at >= 0.9: half of 1,200 is reached at 0.6 of the range.
        assertThat(whole.positionOf(split.newStartingHashKey())).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void hotPartitionKey_isLeftAlone_whenOneKeyCarriesAlmostAllOfTheShard() {
        String key = hotKeyAbove(HashKeyRange.WHOLE, 0.5);
        ShardMetrics s = ShardMetrics.of(Shards.id(0), HashKeyRange.WHOLE, 1_000, 200_000).withThrottledRecordsPerSecond(1_000)
                .withKeyLoads(List.of(KeyLoad.ofPartitionKey(key, 1_950)));

        ScalingPlan plan = policy.decide(StreamMetrics.active(T0, List.of(s)), ScalingHistory.empty());

        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.reason()).contains("hot key cannot be split");
    }

    @Test
    void bounds_capTheScaleOutAtMaxShards() {
        ScalingPlan plan = policy.withShardBounds(2, 6).decide(StreamMetrics.active(T0, Shards.uniform(4, 5_000)), ScalingHistory.empty());

        assertThat(plan.decisions()).containsExactly(new UpdateShardCount(6));
    }

    @Test
    void bounds_neverScaleInBelowMinShards() {
        ScalingPlan plan = policy.withShardBounds(2, 6).decide(StreamMetrics.active(T0, Shards.uniform(2, 0)), ScalingHistory.empty());

        assertThat(plan.decisions()).isEmpty();
    }

    @Test
    void bounds_raiseAStreamBelowMinShards_evenWithoutMetrics() {
        List<ShardMetrics> unreported = List.of(ShardMetrics.unreported(Shards.id(0), HashKeyRange.WHOLE));

        ScalingPlan plan = policy.withShardBounds(3, 6).decide(StreamMetrics.active(T0, unreported), ScalingHistory.empty());

        assertThat(plan.decisions()).containsExactly(new UpdateShardCount(2));
    }

    @Test
    void missingMetrics_neverScaleIn() {
        List<ShardMetrics> shards = new ArrayList<>(Shards.uniform(4, 0));
        shards.set(1, ShardMetrics.unreported(Shards.id(1), shards.get(1).range()));

        ScalingPlan plan = policy.decide(StreamMetrics.active(T0, shards), ScalingHistory.empty());

        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.reason()).contains("metrics incomplete");
    }

    @Test
    void preScaling_startsTheLeadTimeBeforeMidnightInShanghai_andHoldsThroughThePeak() {
        ScalingPolicy nightly = policy.withPreScale(PreScale.daily(LocalTime.MIDNIGHT, ZoneId.of("Asia/Shanghai"), 64)
                .withLead(Duration.ofMinutes(30)).withHold(Duration.ofMinutes(20)));
        Instant beforeLead = Instant.parse("2026-11-10T15:20:00Z");     // 23:20 in Shanghai
        Instant inLead = Instant.parse("2026-11-10T15:35:00Z");         // 23:35
        Instant afterPeak = Instant.parse("2026-11-10T16:10:00Z");      // 00:10
        Instant afterHold = Instant.parse("2026-11-10T16:50:00Z");      // 00:50

        assertThat(nightly.decide(StreamMetrics.active(beforeLead, Shards.uniform(4, 300)), ScalingHistory.empty()).decisions()).isEmpty();
        assertThat(nightly.decide(StreamMetrics.active(inLead, Shards.uniform(4, 300)), ScalingHistory.empty()).decisions())
                .containsExactly(new UpdateShardCount(8));
        assertThat(nightly.decide(StreamMetrics.active(afterPeak, Shards.uniform(64, 10)), ScalingHistory.empty()).decisions()).isEmpty();
        assertThat(nightly.decide(StreamMetrics.active(afterHold, Shards.uniform(64, 10)), ScalingHistory.empty()).decisions())
                .containsExactly(new UpdateShardCount(32));
    }

    @Test
    void preScaling_onceForDouble11_appliesOnlyThatNight() {
        PreScale once = PreScale.once(java.time.ZonedDateTime.parse("2026-11-11T00:00+08:00[Asia/Shanghai]"), 16);

        assertThat(once.floorAt(Instant.parse("2026-11-10T15:45:00Z"))).isEqualTo(16);
        assertThat(once.floorAt(Instant.parse("2026-11-11T15:45:00Z"))).isZero();
    }

    @Test
    void options_areValues() {
        assertThat(ScalingPolicy.targetUtilization(0.75).withShardBounds(2, 8))
                .isEqualTo(ScalingPolicy.targetUtilization(0.75).withShardBounds(2, 8))
                .hasSameHashCodeAs(ScalingPolicy.targetUtilization(0.75).withShardBounds(2, 8))
                .isNotEqualTo(ScalingPolicy.targetUtilization(0.75).withShardBounds(2, 9));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScalingPolicy.targetUtilization(0.75).withShardBounds(5, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[5, 4]");
    }

    /** A partition key whose hash lies at or above {@code position} of the range (deterministic search). */
    static String hotKeyAbove(HashKeyRange range, double position) {
        for (int i = 0; ; i++) {
            String key = "c-" + i;
            double p = range.positionOf(KeyLoad.hashKeyOf(key));
            if (p >= position && p < position + 0.05) {
                return key;
            }
        }
    }
}
