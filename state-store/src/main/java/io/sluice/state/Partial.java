package io.sluice.state;

import java.util.List;
import java.util.Objects;

/**
 * The accumulators one split has applied to one bucket of one slot, up to {@code fence}.
 *
 * <p>Its entries are held as {@link PartialEntries}, so a writer that derives a new version from the previous one
 * (replacing only the keys a batch changed) hands the store a partial of any size in O(changed), and
 * {@link #approximateSize()} is O(1). Any other list is copied, as before. Equal by content.
 *
 * @param key     identity of the item
 * @param fence   highest source position whose records are included
 * @param entries one entry per (key, window); immutable (a {@link PartialEntries})
 */
public record Partial(PartialKey key, Fence fence, List<StateEntry> entries) {

    public Partial {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fence, "fence");
        entries = PartialEntries.copyOf(entries);
    }

    /** Approximate stored size in bytes, used to refuse items a store cannot hold. O(1). */
    public int approximateSize() {
        long size = key.toString().length() + 64L + ((PartialEntries) entries).approximateBytes();
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
