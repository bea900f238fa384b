package io.sluice.functions.runtime;

import io.sluice.state.Fence;
import io.sluice.state.SplitState;

/**
 * Where a split's processor gets back the records its source skipped: an event source mapping that gave up on a batch
 * moves on, so the next batch starts past records an attempt started and never completed. The processor asks only
 * when the split's state shows such an attempt ({@code fence < attemptFence}) and the batch starts after the fence.
 *
 * <pre>{@code
 * processor.withSkippedRanges((split, before, first) -> shardRecordsBetween(before.fence(), first));
 * }</pre>
 */
@FunctionalInterface
public interface SkippedRanges {

    /**
     * The first records of {@code split} after {@code before.fence()}, before {@code first} and at or before
     * {@code before.attemptFence()}, in source order, at most one batch of them (the processor asks again after
     * applying it); an empty batch when there are none (a normal retry) or when they are lost (the implementation
     * reports the loss itself).
     *
     * @throws RuntimeException if the source cannot be read now; the batch is then retried and asks again
     */
    RecordBatch skippedBefore(String split, SplitState before, Fence first);
}
