package io.sluice.state;

import java.util.List;
import java.util.Objects;

/**
 * The accumulators one split has applied to one bucket of one slot, up to {@code fence}.
 *
 * @param key     identity of the item
 * @param fence   highest source position whose records are included
 * @param entries one entry per (key, window); immutable
 */
public record Partial(PartialKey key, Fence fence, List<StateEntry> entries) {

    public Partial {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fence, "fence");
        entries = List.copyOf(entries);
    }

    /** Approximate stored size in bytes, used to refuse items a store cannot hold. */
    public int approximateSize() {
        int size = key.toString().length() + 64;
        for (StateEntry e : entries) {
            size += e.approximateSize();
        }
        return size;
    }
}
