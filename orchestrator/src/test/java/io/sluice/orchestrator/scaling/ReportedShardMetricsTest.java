package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportedShardMetricsTest {
    private static final Instant NOW = Instant.parse("2026-11-11T00:01:00Z");
    private static final StreamTopology TWO_SHARDS = new StreamTopology("orders", true, List.of(
            new StreamTopology.OpenShard(Shards.id(0), HashKeyRange.uniform(0, 2)),
            new StreamTopology.OpenShard(Shards.id(1), HashKeyRange.uniform(1, 2))));

    @Test
    void emfLine_roundTripsThroughJson() {
        ShardLoadReport report = new ShardLoadReport(NOW, Shards.id(0), 1_000, 480_000, 1_200, Map.of("c-42", 800L));

        assertThat(ShardLoadReport.parseEmf(report.toEmf())).contains(report);
        assertThat(report.toEmf()).contains("\"CloudWatchMetrics\"").contains("\"Namespace\":\"Sluice\"");
    }

    @Test
    void parseEmf_ignoresOtherLogLines() {
        assertThat(ShardLoadReport.parseEmf("START RequestId: 1 Version: $LATEST")).isEmpty();
        assertThat(ShardLoadReport.parseEmf("{\"_aws\":{\"Timestamp\":1},\"LateRecords\":3}")).isEmpty();
        assertThat(ShardLoadReport.parseEmf("{\"_aws\": broken")).isEmpty();
    }

    @Test
    void collect_sumsTheWindowsReportsPerShard_andMarksSilentShardsUnreported() {
        ReportedShardMetrics source = new ReportedShardMetrics(() -> TWO_SHARDS, Duration.ofMinutes(1));
        source.report(new ShardLoadReport(NOW.minusSeconds(90), Shards.id(0), 99_999, 0, 0, Map.of()));   // too old
        source.report(new ShardLoadReport(NOW.minusSeconds(40), Shards.id(0), 30_000, 15_000_000, 500, Map.of("c-1", 20_000L)));
        source.report(new ShardLoadReport(NOW.minusSeconds(10), Shards.id(0), 30_000, 15_000_000, 2_000, Map.of("c-1", 10_000L, "c-2", 60L)));

        StreamMetrics m = source.collect(NOW);

        ShardMetrics s0 = m.shards().get(0);
        assertThat(s0.recordsPerSecond()).isCloseTo(1_000, within(1e-9));
        assertThat(s0.bytesPerSecond()).isCloseTo(500_000, within(1e-9));
        assertThat(s0.iteratorAgeMillis()).isEqualTo(2_000);
        assertThat(s0.keyLoads()).first().isEqualTo(KeyLoad.ofPartitionKey("c-1", 500));
        assertThat(m.shards().get(1).reported()).isFalse();
        assertThat(m.fullyReported()).isFalse();
    }
}
