package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.orchestrator.scaling.ScalerSettings;
import io.sluice.orchestrator.scaling.ScalingDecision.Split;
import io.sluice.orchestrator.scaling.ScalingDecision.UpdateShardCount;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ways issue 17 found the scaler harming the stream, with its numbers: a no-op UpdateShardCount that burns the
 * daily budget (case 11), a pre-scaling floor dropped inside a long hold (case 12), and cold-looking shards whose
 * consumer is behind taken for idle (case 13, the policy's half; the metrics half is in {@code ReadEvidenceTest}).
 */
class ScalingPolicyHarmTest {
    private static final Instant T0 = Instant.parse("2026-11-10T12:00:00Z");
    private final ScalingPolicy policy = ScalingPolicy.targetUtilization(0.75).withShardBounds(1, 1_000);

    @Test
    void unevenLoad_threeShardsAt80PercentAndOneAt40_splitsTheHotShards_insteadOfUpdateShardCountToTheSameCount() {
        // 800 + 800 + 800 + 400 records/s on four 1,000/s shards: demand 2.8 / 0.75 = 3.7 shards rounds to the 4 open.
        ScalingPlan plan = policy.decide(StreamMetrics.active(T0, unevenFour()), ScalingHistory.empty());

        assertThat(plan.decisions()).hasSize(3).allMatch(d -> d instanceof Split);
        assertThat(plan.decisions()).extracting(d -> ((Split) d).shardId()).containsExactly(Shards.id(0), Shards.id(1), Shards.id(2));
        assertThat(plan.targetShards()).isEqualTo(7);
    }

    @Test
    void unevenLoad_decidedEveryMinuteForAnHour_neverDecidesANoOpNorSpendsTheUpdateShardCountBudget() {
        ScalingHistory history = ScalingHistory.empty();
        for (int minute = 0; minute < 60; minute++) {
            // As in the issue: the decisions are not applied (or not yet), the same load comes back every minute.
            ScalingPlan plan = policy.decide(StreamMetrics.active(T0.plus(Duration.ofMinutes(minute)), unevenFour()), history);
            history = history.record(plan);

            assertThat(plan.decisions()).as("minute " + minute + ": " + plan).noneMatch(d -> d instanceof UpdateShardCount);
            assertThat(plan.targetShards() != plan.currentShards() || plan.decisions().isEmpty()).as(plan.toString()).isTrue();
        }

        assertThat(history.updateShardCountCallsSince24h(T0.plus(Duration.ofHours(1)))).isZero();
    }

    @Test
    void plan_refusesANoOpUpdateShardCount() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScalingPlan(T0, 4, 3.7, List.of(new UpdateShardCount(4)), "no-op"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UpdateShardCount(4) on 4 open shards");
    }

    @Test
    void preScaling_keepsItsFloorForTheWholeHold_whenTheHoldIsLongerThan12Hours() {
        // A 09:00 peak held 14 hours: the window is [08:30, 23:00] every day.
        PreScale morning = PreScale.daily(LocalTime.of(9, 0), ZoneId.of("UTC"), 64).withLead(Duration.ofMinutes(30)).withHold(Duration.ofHours(14));

        assertThat(morning.floorAt(Instant.parse("2026-11-10T21:00:00Z"))).isEqualTo(64);
        assertThat(morning.floorAt(Instant.parse("2026-11-10T22:00:00Z"))).isEqualTo(64);
        assertThat(morning.floorAt(Instant.parse("2026-11-10T23:00:00Z"))).isEqualTo(64);
        assertThat(morning.floorAt(Instant.parse("2026-11-10T23:01:00Z"))).isZero();
        assertThat(morning.floorAt(Instant.parse("2026-11-11T08:29:00Z"))).isZero();
        assertThat(morning.floorAt(Instant.parse("2026-11-11T08:30:00Z"))).isEqualTo(64);
    }

    @Test
    void preScaling_asTheDeployedScalerReadsIt_keepsA14HourHold() {
        PreScale deployed = ScalerSettings.preScale("09:00 UTC 64 PT30M PT14H");

        assertThat(deployed.floorAt(Instant.parse("2026-11-10T22:00:00Z"))).isEqualTo(64);
        assertThat(deployed.floorAt(Instant.parse("2026-11-10T23:30:00Z"))).isZero();
    }

    @Test
    void preScaling_holdsTheFleetAt64At22h_insteadOfHalvingIt() {
        ScalingPolicy morning = policy.withPreScale(PreScale.daily(LocalTime.of(9, 0), ZoneId.of("UTC"), 64).withHold(Duration.ofHours(14)));

        ScalingPlan at22 = morning.decide(StreamMetrics.active(Instant.parse("2026-11-10T22:00:00Z"), Shards.uniform(64, 10)), ScalingHistory.empty());
        ScalingPlan after = morning.decide(StreamMetrics.active(Instant.parse("2026-11-10T23:30:00Z"), Shards.uniform(64, 10)), ScalingHistory.empty());

        assertThat(at22.decisions()).isEmpty();
        assertThat(after.decisions()).containsExactly(new UpdateShardCount(32));
    }

    @Test
    void preScaling_holdsLongerThanADay() {
        PreScale p = PreScale.daily(LocalTime.of(9, 0), ZoneId.of("UTC"), 8).withLead(Duration.ZERO).withHold(Duration.ofHours(30));

        // Every instant is within 30 hours after some 09:00.
        for (int h = 0; h < 48; h++) {
            assertThat(p.floorAt(T0.plus(Duration.ofHours(h)))).as("hour " + h).isEqualTo(8);
        }
    }

    @Test
    void coldShardsWhoseConsumerIsBehind_holdTheScaleIn() {
        // Four shards reading 100 records/s each: cold. Shards 0 and 1 lag 5 minutes behind: their consumer (throttled,
        // or slow) reads less than was written, so their reads say nothing of their load.
        List<ShardMetrics> shards = new ArrayList<>(Shards.uniform(4, 100));
        shards.set(0, shards.get(0).withIteratorAgeMillis(300_000));
        shards.set(1, shards.get(1).withIteratorAgeMillis(300_000));

        ScalingPlan plan = policy.decide(StreamMetrics.active(T0, shards), ScalingHistory.empty());

        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.reason()).contains("consumer was behind");
        assertThat(plan.consumerBehind()).isTrue();
    }

    @Test
    void coldStreamWithAConsumerBehind_isNotHalvedByUpdateShardCount() {
        List<ShardMetrics> shards = new ArrayList<>(Shards.uniform(32, 20));
        shards.set(5, shards.get(5).withIteratorAgeMillis(300_000));

        ScalingPlan plan = policy.decide(StreamMetrics.active(T0, shards), ScalingHistory.empty());

        assertThat(plan.decisions()).isEmpty();
    }

    @Test
    void coldStream_scalesInOnlyAWholeWindowAfterAConsumerWasLastBehind() {
        List<ShardMetrics> behind = new ArrayList<>(Shards.uniform(32, 20));
        behind.set(5, behind.get(5).withIteratorAgeMillis(30_000));
        ScalingHistory history = ScalingHistory.empty().record(policy.decide(StreamMetrics.active(T0, behind), ScalingHistory.empty()));

        ScalingPlan tenMinutesLater = policy.decide(StreamMetrics.active(T0.plus(Duration.ofMinutes(10)), Shards.uniform(32, 20)), history);
        ScalingPlan windowLater = policy.decide(StreamMetrics.active(T0.plus(Duration.ofMinutes(16)), Shards.uniform(32, 20)), history);

        assertThat(history.lastSeenBehind()).isEqualTo(T0);
        assertThat(tenMinutesLater.decisions()).isEmpty();
        assertThat(windowLater.decisions()).containsExactly(new UpdateShardCount(16));
    }

    private static List<ShardMetrics> unevenFour() {
        List<ShardMetrics> out = new ArrayList<>();
        double[] loads = {800, 800, 800, 400};
        for (int i = 0; i < 4; i++) {
            out.add(Shards.shard(i, HashKeyRange.uniform(i, 4), loads[i]));
        }
        return out;
    }
}
