package io.sluice.functions.runtime;

import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The global watermark: the minimum watermark over splits that are not finished, leaving out splits idle for
 * longer than the idleness timeout. Finished splits count as +infinity, so when every split is finished the
 * watermark is {@link Long#MAX_VALUE} and every window fires. When every unfinished split is idle the minimum is
 * taken over them anyway: idleness alone never advances time.
 */
public final class GlobalWatermark {

    private GlobalWatermark() {
    }

    /**
     * @param splits    all splits of the pipeline
     * @param idleness  idleness timeout, if any
     * @param nowMillis processing time
     * @return the global watermark; {@link Long#MIN_VALUE} if there are no splits
     */
    public static long of(List<SplitState> splits, Optional<Duration> idleness, long nowMillis) {
        if (splits.isEmpty()) {
            return Long.MIN_VALUE;
        }
        long activeMin = Long.MAX_VALUE;
        long idleMin = Long.MAX_VALUE;
        boolean anyActive = false;
        long activeSince = idleness.isPresent()
                ? Windowing.saturatingSubtract(nowMillis, idleness.get().toMillis()) : Long.MIN_VALUE;
        for (SplitState split : splits) {
            if (split.status() == SplitStatus.FINISHED) {
                continue;
            }
            boolean idle = idleness.isPresent() && split.lastActivityMillis() < activeSince;
            if (idle) {
                idleMin = Math.min(idleMin, split.watermarkMillis());
            } else {
                anyActive = true;
                activeMin = Math.min(activeMin, split.watermarkMillis());
            }
        }
        return anyActive ? activeMin : idleMin;
    }
}
