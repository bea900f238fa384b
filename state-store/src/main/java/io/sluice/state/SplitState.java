package io.sluice.state;

import java.util.List;
import java.util.Objects;

/**
 * Progress of one source split, as stored in the coordination table.
 *
 * @param pipeline          the pipeline name
 * @param split             Kinesis shard id or batch task id
 * @param status            lifecycle state
 * @param watermarkMillis   event-time watermark of this split ({@link Long#MIN_VALUE} before the first record,
 *                          {@link Long#MAX_VALUE} once finished)
 * @param fence             highest source position processed
 * @param lastActivityMillis processing time of the last record seen, for idleness
 * @param parents           splits that must finish before this one is read (shard lineage); may be empty
 */
public record SplitState(String pipeline, String split, SplitStatus status, long watermarkMillis, Fence fence,
                         long lastActivityMillis, List<String> parents) {

    public SplitState {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(fence, "fence");
        parents = List.copyOf(parents);
    }

    /** A split that is known but not read yet. */
    public static SplitState pending(String pipeline, String split, long nowMillis, List<String> parents) {
        return new SplitState(pipeline, split, SplitStatus.PENDING, Long.MIN_VALUE, Fence.NONE, nowMillis, parents);
    }

    public SplitState withProgress(long watermark, Fence newFence, long activityMillis) {
        return new SplitState(pipeline, split, SplitStatus.ACTIVE, Math.max(watermarkMillis, watermark), newFence,
                activityMillis, parents);
    }

    /** A copy that was last active at {@code activityMillis}, status and progress unchanged. */
    public SplitState withActivity(long activityMillis) {
        return new SplitState(pipeline, split, status, watermarkMillis, fence, activityMillis, parents);
    }

    public SplitState finished(Fence lastFence) {
        return new SplitState(pipeline, split, SplitStatus.FINISHED, Long.MAX_VALUE, lastFence, lastActivityMillis,
                parents);
    }
}
