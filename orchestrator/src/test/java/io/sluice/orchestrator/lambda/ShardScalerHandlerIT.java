package io.sluice.orchestrator.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.orchestrator.scaling.ShardLoadReport;
import io.sluice.orchestrator.scaling.StreamTopology;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;

@ExtendWith(LocalAwsExtension.class)
class ShardScalerHandlerIT {

    @Test
    void handler_preScalesTheStreamAheadOfTheConfiguredPeak_withoutLoadReports(LocalAws aws) {
        String stream = "scaler-handler-it-" + Long.toHexString(System.nanoTime());
        // 23:40 in Shanghai: inside the 30-minute lead of the midnight pre-scale to 4 shards.
        Clock clock = Clock.fixed(Instant.parse("2026-11-10T15:40:00Z"), ZoneOffset.UTC);
        try (KinesisClient kinesis = aws.kinesis()) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(2));
            ShardScalerHandler handler = new ShardScalerHandler(Map.of(ScalerSettings.STREAM, stream,
                    "SLUICE_SCALING_PRESCALE", "00:00 Asia/Shanghai 4 PT30M PT30M"), kinesis, clock);
            awaitActive(kinesis, stream);

            String line = handler.handleRequest(new ScheduledEvent(), null);

            assertThat(line).contains("UpdateShardCount[targetShardCount=4]").contains("applied=1/1");
            assertThat(StreamTopology.read(kinesis, stream).openShards()).hasSize(4);
            kinesis.deleteStream(b -> b.streamName(stream));
        }
    }

    @Test
    void handler_mergesColdShards_fromTheOperatorsEmfReports(LocalAws aws) {
        String stream = "scaler-handler-it-" + Long.toHexString(System.nanoTime());
        Instant now = Instant.parse("2026-11-11T06:00:00Z");
        try (KinesisClient kinesis = aws.kinesis()) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(2));
            awaitActive(kinesis, stream);
            ShardScalerHandler handler = new ShardScalerHandler(Map.of(ScalerSettings.STREAM, stream), kinesis, Clock.fixed(now, ZoneOffset.UTC));
            for (StreamTopology.OpenShard s : StreamTopology.read(kinesis, stream).openShards()) {
                String emf = new ShardLoadReport(now.minusSeconds(30), s.shardId(), 600, 300_000, 200, Map.of("c-1", 30L)).toEmf();
                assertThat(handler.reports().acceptEmf(emf)).isTrue();
            }
            assertThat(handler.reports().acceptEmf("START RequestId: 42")).isFalse();

            String line = handler.handleRequest(new ScheduledEvent(), null);

            // 10 records/s per shard: the two shards merge into one.
            assertThat(line).contains("Merge[").contains("applied=1/1");
            assertThat(StreamTopology.read(kinesis, stream).openShards()).hasSize(1);
            kinesis.deleteStream(b -> b.streamName(stream));
        }
    }

    @Test
    void settings_nameTheMalformedVariable() {
        assertThatThrownBy(() -> ScalerSettings.policy(Map.of("SLUICE_SCALING_PRESCALE", "midnight")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SLUICE_SCALING_PRESCALE");
        assertThatThrownBy(() -> ScalerSettings.policy(Map.of("SLUICE_SCALING_MAX_SHARDS", "many")))
                .hasMessageContaining("SLUICE_SCALING_MAX_SHARDS");
        assertThatThrownBy(() -> ScalerSettings.streamName(Map.of())).hasMessageContaining(ScalerSettings.STREAM);
    }

    private static void awaitActive(KinesisClient kinesis, String stream) {
        io.sluice.orchestrator.scaling.KinesisScalingActuator.of(kinesis, stream)
                .withActiveWait(java.time.Duration.ofMillis(50), java.time.Duration.ofSeconds(30)).awaitActive();
    }
}
