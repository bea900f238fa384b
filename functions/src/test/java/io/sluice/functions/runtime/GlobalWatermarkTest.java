package io.sluice.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobalWatermarkTest {

    private static final WatermarkStrategy IDLE_AFTER_A_MINUTE =
            WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)).withIdleness(Duration.ofMinutes(1));
    private static final long NOW = 10_000_000L;

    @Test
    void aSilentSplit_isLeftOutOnceIdle() {
        SplitState busy = split("busy", 9_000_000L, NOW, Fence.of("20"), Fence.of("20"));
        SplitState silent = split("silent", 1_000_000L, NOW - 120_000, Fence.of("10"), Fence.of("10"));

        assertThat(GlobalWatermark.of(List.of(busy, silent), IDLE_AFTER_A_MINUTE, NOW)).isEqualTo(9_000_000L);
    }

    @Test
    void aSplitWhoseLastAttemptFailed_isNeverIdle_itsRecordsAreStillToBeApplied() {
        // the attempt recorded itself up to 15 and failed after writing some of its records (or the mapping gave
        // up on it): moving past the split would judge late what that attempt already sent to the dead letters
        SplitState busy = split("busy", 9_000_000L, NOW, Fence.of("20"), Fence.of("20"));
        SplitState failed = split("failed", 1_000_000L, NOW - 120_000, Fence.of("10"), Fence.of("15"));

        assertThat(GlobalWatermark.of(List.of(busy, failed), IDLE_AFTER_A_MINUTE, NOW)).isEqualTo(1_000_000L);
    }

    private static SplitState split(String id, long watermark, long lastActivity, Fence applied, Fence attempted) {
        return new SplitState("p", id, SplitStatus.ACTIVE, watermark, applied, lastActivity, List.of(), attempted);
    }
}
