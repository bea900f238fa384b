package io.sluice.state;

import java.util.List;
import java.util.Objects;

/**
 * Progress of one source split, as stored in the coordination table.
 *
 * <p>Progress is monotone (invariant 3): a store never lowers a split's watermark, fence, attempt fence or activity,
 * never turns FINISHED back into anything else and never turns ACTIVE back into PENDING, whatever order
 * concurrent or stale writers arrive in: {@link StateStore#advanceSplit} stores {@code stored.merge(proposed)}.
 *
 * @param pipeline           the pipeline name
 * @param split              Kinesis shard id or batch task id
 * @param status             lifecycle state
 * @param watermarkMillis    event-time watermark of this split ({@link Long#MIN_VALUE} before the first record,
 *                           {@link Long#MAX_VALUE} once finished)
 * @param fence              highest source position whose batch is fully applied
 * @param lastActivityMillis processing time an invocation last started on the split, for idleness
 * @param parents            splits that must finish before this one is read (shard lineage); may be empty
 * @param attemptFence       highest source position any attempt has started to apply ({@link StateStore#startAttempt}):
 *                           when it is past {@code fence}, an attempt failed midway and records up to it may already
 *                           be in partials
 * @param keyBuckets         the key-bucket count every partial of the split is written with, recorded by its first
 *                           {@link StateStore#startAttempt} and never changed ({@link #UNRECORDED} before that, and for
 *                           a split an older version started): a retry on an instance whose pipeline declares another
 *                           count still writes each record's key into the item an earlier attempt may have written it to
 */
public record SplitState(String pipeline, String split, SplitStatus status, long watermarkMillis, Fence fence,
                         long lastActivityMillis, List<String> parents, Fence attemptFence, int keyBuckets) {

    /** {@link #keyBuckets} of a split no attempt has recorded a count for. */
    public static final int UNRECORDED = 0;

    public SplitState {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(fence, "fence");
        Objects.requireNonNull(attemptFence, "attemptFence");
        if (keyBuckets < 0) {
            throw new IllegalArgumentException("keyBuckets must be >= 0 but was " + keyBuckets);
        }
        parents = List.copyOf(parents);
    }

    /** A split without a recorded key-bucket count. */
    public SplitState(String pipeline, String split, SplitStatus status, long watermarkMillis, Fence fence,
                      long lastActivityMillis, List<String> parents, Fence attemptFence) {
        this(pipeline, split, status, watermarkMillis, fence, lastActivityMillis, parents, attemptFence, UNRECORDED);
    }

    /** A split without an attempt fence. */
    public SplitState(String pipeline, String split, SplitStatus status, long watermarkMillis, Fence fence,
                      long lastActivityMillis, List<String> parents) {
        this(pipeline, split, status, watermarkMillis, fence, lastActivityMillis, parents, Fence.NONE);
    }

    /**
     * A count {@link StateStore#startAttempt} may record: positive.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static void checkKeyBuckets(int keyBuckets) {
        if (keyBuckets <= 0) {
            throw new IllegalArgumentException("keyBuckets must be positive but was " + keyBuckets);
        }
    }

    /**
     * The key-bucket count this split's partials are written with: the recorded one, or {@code declared} (the
     * pipeline's) when none is recorded.
     */
    public int keyBucketsOr(int declared) {
        return keyBuckets == UNRECORDED ? declared : keyBuckets;
    }

    /** A split that is known but not read yet. */
    public static SplitState pending(String pipeline, String split, long nowMillis, List<String> parents) {
        return new SplitState(pipeline, split, SplitStatus.PENDING, Long.MIN_VALUE, Fence.NONE, nowMillis, parents);
    }

    public SplitState withProgress(long watermark, Fence newFence, long activityMillis) {
        SplitStatus next = status == SplitStatus.FINISHED ? SplitStatus.FINISHED : SplitStatus.ACTIVE;
        return new SplitState(pipeline, split, next, Math.max(watermarkMillis, watermark), max(fence, newFence),
                Math.max(lastActivityMillis, activityMillis), parents, max(attemptFence, newFence), keyBuckets);
    }

    /** A copy whose watermark is at least {@code watermark}. */
    public SplitState withWatermarkAtLeast(long watermark) {
        return new SplitState(pipeline, split, status, Math.max(watermarkMillis, watermark), fence, lastActivityMillis,
                parents, attemptFence, keyBuckets);
    }

    public SplitState finished(Fence lastFence) {
        return new SplitState(pipeline, split, SplitStatus.FINISHED, Long.MAX_VALUE, max(fence, lastFence),
                lastActivityMillis, parents, max(attemptFence, lastFence), keyBuckets);
    }

    /** Whether an attempt started past the applied fence: records in {@code (fence, attemptFence]} may be applied. */
    public boolean hasUnfinishedAttempt() {
        return attemptFence.isAfter(fence);
    }

    /**
     * The least state that is at least as far as this one and {@code other} in every respect: the higher watermark,
     * fences and activity, the later status; parents and the key-bucket count are kept once known.
     */
    public SplitState merge(SplitState other) {
        if (!pipeline.equals(other.pipeline) || !split.equals(other.split)) {
            throw new IllegalArgumentException("cannot merge split " + other.split + " into " + split);
        }
        SplitStatus s = status.compareTo(other.status) >= 0 ? status : other.status;
        long w = s == SplitStatus.FINISHED ? Long.MAX_VALUE : Math.max(watermarkMillis, other.watermarkMillis);
        return new SplitState(pipeline, split, s, w, max(fence, other.fence),
                Math.max(lastActivityMillis, other.lastActivityMillis), parents.isEmpty() ? other.parents : parents,
                max(attemptFence, other.attemptFence), keyBuckets == UNRECORDED ? other.keyBuckets : keyBuckets);
    }

    private static Fence max(Fence a, Fence b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
