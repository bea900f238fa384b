package io.sluice.state;

import java.util.Objects;

/**
 * Identity of one partial item: the accumulators that one source split wrote for the keys of one bucket of one
 * slot. Exactly one writer (the split's current invocation) ever writes a given partial key.
 *
 * @param pipeline the pipeline name, such as {@code gmv-by-category}
 * @param slot     the window or session pane, as {@link Slot#id()}
 * @param split    the source split: a Kinesis shard id or a batch task id
 * @param bucket   the key bucket, {@code [0, buckets)}: keys hash to buckets so items stay a few KB
 */
public record PartialKey(String pipeline, Slot slot, String split, int bucket) {

    public PartialKey {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(split, "split");
        if (bucket < 0) {
            throw new IllegalArgumentException("bucket must be >= 0 but was " + bucket);
        }
    }

    @Override
    public String toString() {
        return pipeline + "/" + slot.id() + "/" + split + "/" + bucket;
    }
}
