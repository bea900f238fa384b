package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class ScalingSimulatorTest {
    private static SimulationReport report;

    @BeforeAll
    static void runDouble11() {
        report = ScalingSimulator.run(TrafficProfile.named("double11"), SimulationOptions.defaults());
    }

    @Test
    void double11Profile_spikesThirtyTimesWithinAMinuteAtMidnightInShanghai() {
        TrafficProfile p = TrafficProfile.double11();
        Instant midnight = Instant.parse("2026-11-10T16:00:00Z");

        double before = p.recordsPerSecondAt(midnight.minusSeconds(1));
        double after = p.recordsPerSecondAt(midnight.plusSeconds(60));

        assertThat(after / before).isBetween(20.0, 50.0);
        assertThat(p.recordsPerSecondAt(midnight.plusSeconds(3_600))).isLessThan(after / 5);
    }

    @Test
    void autoscaledFleet_throttlesNothing_andUsesAtMostThirtyPercentOfTheStaticShardHours() {
        assertThat(report.autoscaled().throttledRecords()).isZero();
        assertThat(report.autoscaled().peakLagMillis()).isZero();
        assertThat(report.autoscaledShardHoursVsStatic()).isLessThanOrEqualTo(0.30);
        assertThat(report.staticFleet().throttledRecords()).isZero();
    }

    @Test
    void autoscaledFleet_meetsTheTarget_alsoWhenThePolicySeesKinesissOwnCounts() {
        SimulationReport kinesisView = ScalingSimulator.run(TrafficProfile.named("double11"), SimulationOptions.defaults().withOperatorMetrics(false));

        assertThat(kinesisView.autoscaled().throttledRecords()).isZero();
        assertThat(kinesisView.autoscaledShardHoursVsStatic()).isLessThanOrEqualTo(0.30);
        // Throttle counts include every retry: a reactive fleet that sees them overshoots; the operator's view does not.
        assertThat(kinesisView.reactiveOnly().shardHours()).isGreaterThan(2 * report.reactiveOnly().shardHours());
    }

    @Test
    void reactiveOnlyFleet_throttlesAndLagsThroughTheSpike() {
        assertThat(report.reactiveOnly().throttledRecords()).isGreaterThan(1_000_000);
        assertThat(report.reactiveOnly().peakLagMillis()).isGreaterThan(60_000);
    }

    @Test
    void everyFleet_staysWithinTheUpdateShardCountBudget() {
        assertThat(report.autoscaled().decisions(ScalingDecision.UpdateShardCount.class)).isLessThanOrEqualTo(10);
        assertThat(report.reactiveOnly().decisions(ScalingDecision.UpdateShardCount.class)).isLessThanOrEqualTo(10);
        assertThat(report.autoscaled().actions()).allSatisfy(plan -> {
            for (ScalingDecision d : plan.decisions()) {
                if (d instanceof ScalingDecision.UpdateShardCount u) {
                    assertThat(u.targetShardCount()).isBetween((plan.currentShards() + 1) / 2, 2 * plan.currentShards());
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"uneven", "slow-consumer"})
    void unevenAndSlowConsumerProfiles_autoscaledFleetThrottlesNothing_andStaysWithinTheUpdateShardCountBudget(String name) {
        SimulationReport r = ScalingSimulator.run(TrafficProfile.named(name), SimulationOptions.defaults());

        assertThat(r.autoscaled().throttledRecords()).isZero();
        assertThat(r.autoscaledShardHoursVsStatic()).isLessThanOrEqualTo(0.30);
        for (SimulationReport.Fleet f : List.of(r.autoscaled(), r.reactiveOnly())) {
            assertThat(f.maxUpdateShardCountCallsPer24h()).as(f.name()).isLessThanOrEqualTo(KinesisLimits.UPDATE_SHARD_COUNT_CALLS_PER_24H);
            assertThat(f.actions()).as(f.name()).allSatisfy(plan -> {
                for (ScalingDecision d : plan.decisions()) {
                    if (d instanceof ScalingDecision.UpdateShardCount u) {
                        assertThat(u.targetShardCount()).isBetween((plan.currentShards() + 1) / 2, 2 * plan.currentShards())
                                .isNotEqualTo(plan.currentShards());
                    }
                }
            });
        }
    }

    @Test
    void unevenProfile_startsAsIssue17Case11_andSplitsTheHotShardsInsteadOfSpendingTheBudget() {
        TrafficProfile uneven = TrafficProfile.uneven();
        SimulationReport r = ScalingSimulator.run(uneven, SimulationOptions.defaults());

        // 2,800 records/s on 4 shards, key quarters weighted 2:2:2:1: 800, 800, 800 and 400 records/s.
        assertThat(uneven.recordsPerSecondAt(uneven.start().toInstant())).isEqualTo(2_800);
        assertThat(List.of(0, 1, 2, 3)).extracting(i -> 2_800 * uneven.shareOf(HashKeyRange.uniform(i, 4)))
                .containsExactly(800.0, 800.0, 800.0, 400.0);
        ScalingPlan first = r.autoscaled().actions().get(0);
        assertThat(first.currentShards()).isEqualTo(4);
        assertThat(first.decisions()).hasSize(3).allMatch(d -> d instanceof ScalingDecision.Split);
        // Pre-scaling for midnight still has its UpdateShardCount calls: 4 -> 134 takes 6 doublings.
        assertThat(r.autoscaled().maxShards()).isGreaterThanOrEqualTo(134);
        assertThat(r.staticFleet().throttledRecords()).as("100 uniform shards are too few for uneven keys").isPositive();
    }

    @Test
    void slowConsumerProfile_neverScalesInWhileConsumersAreBehind() {
        TrafficProfile slow = TrafficProfile.slowConsumer();
        SimulationReport r = ScalingSimulator.run(slow, SimulationOptions.defaults());
        Instant slowFrom = Instant.parse("2026-11-10T17:00:00Z");   // 01:00 in Shanghai

        assertThat(slow.consumerSpeedAt(slowFrom.minusSeconds(1))).isEqualTo(1);
        assertThat(slow.consumerSpeedAt(slowFrom)).isEqualTo(0.1);
        assertThat(r.autoscaled().maxIteratorAgeMillis()).as("a tenth of the consumer is too slow for the night").isGreaterThan(60_000);
        // Consumers are behind from 01:01 until after 02:00; the stabilization window then waits 15 more minutes.
        assertThat(r.autoscaled().actions()).filteredOn(ScalingPlan::scalesIn)
                .noneMatch(p -> p.at().isAfter(slowFrom) && p.at().isBefore(slowFrom.plus(Duration.ofMinutes(75))));
    }

    @Test
    void run_isDeterministic() {
        SimulationReport again = ScalingSimulator.run(TrafficProfile.double11(), SimulationOptions.defaults());

        assertThat(again.autoscaled().minutes()).isEqualTo(report.autoscaled().minutes());
        assertThat(again.reactiveOnly().minutes()).isEqualTo(report.reactiveOnly().minutes());
    }

    @Test
    void printTable_printsTotalsThenOneLinePerMinute() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(text).contains("autoscaled").contains("reactive-only").contains("static").contains("11-11 00:00");
        assertThat(text.lines().filter(l -> l.matches("\\d\\d-\\d\\d \\d\\d:\\d\\d .*"))).hasSize(12 * 60);
    }

    @Test
    void writeSvg_drawsTrafficShardsAndLag(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("double11.svg");

        report.writeSvg(svg);

        String text = Files.readString(svg);
        assertThat(text).startsWith("<svg").endsWith("</svg>\n").contains("offered records/s").contains("open shards").contains("lag (s)");
        assertThat(text.split("<polyline", -1)).hasSize(1 + 1 + 3 + 3);
    }
}
