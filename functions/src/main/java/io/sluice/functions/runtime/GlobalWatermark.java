package io.sluice.functions.runtime;

import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;

import java.util.List;

/**
 * The global watermark: the minimum watermark over splits that are not finished, leaving out splits idle for
 * longer than the idleness timeout (a split whose last attempt has not been applied is never idle). Finished splits
 * count as +infinity, so when every split is finished the watermark is {@link Long#MAX_VALUE} and every window fires.
 *
 * <p>When every unfinished split is idle, the stream has been silent for the idleness timeout: the watermark is
 * then the minimum over them, or processing time less the idleness timeout and the disorder bound where that is
 * higher, so the last windows before a quiet spell close (the scheduled firer computes it every minute) instead
 * of waiting for the next record. Without an idleness timeout, idleness never advances time.
 *
 * <p>Only {@link io.sluice.functions.driver.PipelineRun} computes it (and fires no further than a second reading
 * after publishing it allows); drivers never do.
 */
public final class GlobalWatermark {

    private GlobalWatermark() {
    }

    /**
     * @param splits    all splits of the pipeline
     * @param strategy  the pipeline's watermark strategy (idleness timeout and disorder bound)
     * @param nowMillis processing time
     * @return the global watermark; {@link Long#MIN_VALUE} if there are no splits
     */
    public static long of(List<SplitState> splits, WatermarkStrategy strategy, long nowMillis) {
        if (splits.isEmpty()) {
            return Long.MIN_VALUE;
        }
        var idleness = strategy.idleness();
        long activeMin = Long.MAX_VALUE;
        long idleMin = Long.MAX_VALUE;
        boolean anyActive = false;
        long activeSince = idleness.isPresent()
                ? Windowing.saturatingSubtract(nowMillis, idleness.get().toMillis()) : Long.MIN_VALUE;
        for (SplitState split : splits) {
            if (split.status() == SplitStatus.FINISHED) {
                continue;
            }
            // A split with an attempt past its applied fence is not silent: records were read and are being retried,
            // read back or replayed, and moving past them would judge them late where an attempt already sent them
            // to the dead letters (simulator seed 104161: overflow rejects of a batch given up on during a pause).
            boolean idle = idleness.isPresent() && split.lastActivityMillis() < activeSince
                    && !split.hasUnfinishedAttempt();
            if (idle) {
                idleMin = Math.min(idleMin, split.watermarkMillis());
            } else {
                anyActive = true;
                activeMin = Math.min(activeMin, split.watermarkMillis());
            }
        }
        if (anyActive) {
            return activeMin;
        }
        if (idleMin == Long.MAX_VALUE || idleness.isEmpty()) {
            return idleMin;
        }
        long quiet = Windowing.saturatingSubtract(activeSince, strategy.maxDisorder().toMillis());
        return Math.max(idleMin, quiet);
    }
}
