package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history item's JSON keeps when a consumer was last behind; items written before it read as never. */
class ScalingHistoryCodecTest {
    private static final Instant T0 = Instant.parse("2026-11-11T00:00:00Z");

    @Test
    void encodeThenDecode_keepsEveryField_includingWhenAConsumerWasLastBehind() {
        ScalingHistory h = ScalingHistory.empty()
                .record(new ScalingPlan(T0, 4, 7.5, List.of(new ScalingDecision.UpdateShardCount(8)), "spike"))
                .record(new ScalingPlan(T0.plusSeconds(60), 8, 6.25, List.of(), "hold").withConsumerBehind(true));

        ScalingHistory back = DynamoDbScalingHistoryStore.decode(DynamoDbScalingHistoryStore.encode(h));

        assertThat(back).isEqualTo(h);
        assertThat(back.lastSeenBehind()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void decode_anItemWrittenBeforeTheField_readsAsNeverBehind() {
        String old = "{\"lastScaleOut\":0,\"lastScaleIn\":0,\"lastSeenResharding\":0,\"updateShardCountCalls\":[],\"demand\":[]}";

        assertThat(DynamoDbScalingHistoryStore.decode(old).lastSeenBehind()).isEqualTo(Instant.EPOCH);
    }
}
